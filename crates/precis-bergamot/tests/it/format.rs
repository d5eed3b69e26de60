//! The Marian binary reader on small hand-made files: a valid file reads
//! back exactly, and every kind of damage is an error that names it.

use std::path::Path;

use precis_bergamot::{BergamotError, ItemType, MarianFile};

/// One tensor to write: name, type code, shape, data bytes.
struct Spec {
    name: &'static str,
    code: u64,
    shape: Vec<i32>,
    data: Vec<u8>,
}

/// Serializes tensors the way Marian's `binary.cpp` does.
fn marian_file(version: u64, specs: &[Spec]) -> Vec<u8> {
    let mut header = Vec::new();
    header.extend_from_slice(&(specs.len() as u64).to_le_bytes());
    for s in specs {
        for v in [
            s.name.len() as u64 + 1,
            s.code,
            s.shape.len() as u64,
            s.data.len() as u64,
        ] {
            header.extend_from_slice(&v.to_le_bytes());
        }
    }
    for s in specs {
        header.extend_from_slice(s.name.as_bytes());
        header.push(0);
    }
    for s in specs {
        for d in &s.shape {
            header.extend_from_slice(&d.to_le_bytes());
        }
    }
    let mut out = version.to_le_bytes().to_vec();
    out.extend_from_slice(&header);
    let padding = (256 - (out.len() + 8) % 256) % 256;
    out.extend_from_slice(&(padding as u64).to_le_bytes());
    out.resize(out.len() + padding, 0);
    for s in specs {
        out.extend_from_slice(&s.data);
    }
    out
}

fn floats(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn sample() -> Vec<Spec> {
    // A 2x3 intgemm matrix (stored transposed: 3 rows of 2) with multiplier 2.
    let mut int8: Vec<u8> = [2i8, -4, 6, 8, -10, 12].iter().map(|&v| v as u8).collect();
    int8.extend_from_slice(&2f32.to_le_bytes());
    vec![
        Spec {
            name: "bias",
            code: 0x0404,
            shape: vec![1, 3],
            data: floats(&[0.5, -1.0, 2.0]),
        },
        Spec {
            name: "W",
            code: 0x4101,
            shape: vec![2, 3],
            data: int8,
        },
        Spec {
            name: "special:model.yml",
            code: 0x0101,
            shape: vec![8],
            data: b"type: x\0".to_vec(),
        },
    ]
}

fn parse(bytes: Vec<u8>) -> Result<MarianFile, BergamotError> {
    MarianFile::from_bytes(bytes, Path::new("hand-made.bin"))
}

fn error_of(bytes: Vec<u8>) -> String {
    match parse(bytes) {
        Ok(_) => panic!("damaged file was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn reads_floats_int8_and_text() {
    let file = parse(marian_file(1, &sample())).unwrap();
    assert_eq!(file.items().len(), 3);
    let (bias, shape) = file.matrix("bias").unwrap();
    assert_eq!((bias, shape), (vec![0.5, -1.0, 2.0], vec![1, 3]));
    let item = file.get("W").unwrap();
    assert_eq!(item.item_type, ItemType::Intgemm8);
    assert_eq!(file.quant_mult(item).unwrap(), 2.0);
    let (w, _) = file.matrix("W").unwrap();
    assert_eq!(w, vec![1.0, -2.0, 3.0, 4.0, -5.0, 6.0]);
    assert_eq!(file.text("special:model.yml").unwrap(), "type: x");
}

#[test]
fn data_padded_to_256_bytes_is_accepted() {
    let mut specs = sample();
    specs[0].data.resize(256, 0);
    let file = parse(marian_file(1, &specs)).unwrap();
    assert_eq!(file.matrix("bias").unwrap().0, vec![0.5, -1.0, 2.0]);
}

#[test]
fn wrong_version_is_named() {
    let err = error_of(marian_file(2, &sample()));
    assert!(err.contains("unsupported Marian binary version 2"), "{err}");
}

#[test]
fn truncation_anywhere_is_an_error() {
    let full = marian_file(1, &sample());
    for cut in [0, 5, 12, 40, 120, full.len() / 2, full.len() - 1] {
        let err = error_of(full[..cut].to_vec());
        assert!(err.contains("truncated"), "cut at {cut}: {err}");
    }
}

#[test]
fn unknown_type_is_named() {
    let mut specs = sample();
    specs[0].code = 0x0808;
    let err = error_of(marian_file(1, &specs));
    assert!(
        err.contains("unknown type 0x0808") && err.contains("`bias`"),
        "{err}"
    );
}

#[test]
fn shape_larger_than_data_is_an_error() {
    let mut specs = sample();
    specs[0].shape = vec![2, 3];
    let err = error_of(marian_file(1, &specs));
    assert!(
        err.contains("`bias` has shape [2, 3]") && err.contains("12 bytes"),
        "{err}"
    );
    let mut specs = sample();
    specs[1].shape = vec![-2, 3];
    assert!(error_of(marian_file(1, &specs)).contains("negative dimension"));
}

#[test]
fn absurd_tensor_count_is_an_error() {
    let mut bytes = marian_file(1, &sample());
    bytes[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(error_of(bytes).contains("truncated"));
}

#[test]
fn missing_tensor_and_wrong_kind_are_errors() {
    let file = parse(marian_file(1, &sample())).unwrap();
    let err = file
        .matrix("decoder_ff_logit_out_b")
        .unwrap_err()
        .to_string();
    assert!(err.contains("`decoder_ff_logit_out_b` is missing"), "{err}");
    assert!(file.matrix("special:model.yml").is_err());
    let bias = file.get("bias").unwrap();
    assert!(file
        .quant_mult(bias)
        .unwrap_err()
        .to_string()
        .contains("not an intgemm8"));
}

/// An intgemm tensor of `values`, multiplier 1.
fn intgemm(name: &'static str, values: &[i8]) -> Spec {
    let mut data: Vec<u8> = values.iter().map(|&v| v as u8).collect();
    data.extend_from_slice(&1f32.to_le_bytes());
    Spec {
        name,
        code: 0x4101,
        shape: vec![64, values.len() as i32 / 64],
        data,
    }
}

#[test]
fn damaged_weights_are_refused_when_read() {
    // Trained weights: most small, a few near the extremes.
    let trained: Vec<i8> = (0..8192)
        .map(|i: i32| {
            if i % 97 == 0 {
                127
            } else {
                ((i * 7) % 21 - 10) as i8
            }
        })
        .collect();
    // Random bytes (a fixed xorshift stream): spread over -128..=127.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let random: Vec<i8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8 as i8
        })
        .collect();
    let specs = vec![
        intgemm("trained", &trained),
        intgemm("random", &random),
        Spec {
            name: "nan",
            code: 0x0404,
            shape: vec![1, 3],
            data: floats(&[0.5, f32::NAN, 2.0]),
        },
        Spec {
            name: "absurd",
            code: 0x0404,
            shape: vec![1, 2],
            data: floats(&[0.5, 3.0e9]),
        },
    ];
    let file = parse(marian_file(1, &specs)).unwrap();
    assert!(file.matrix("trained").is_ok());
    let err = file.matrix("random").unwrap_err().to_string();
    assert!(err.contains("spread like random bytes"), "{err}");
    let err = file.matrix("nan").unwrap_err().to_string();
    assert!(
        err.contains("NaN, infinite or absurd value at index 1"),
        "{err}"
    );
    let err = file.matrix("absurd").unwrap_err().to_string();
    assert!(err.contains("absurd value at index 1"), "{err}");
}
