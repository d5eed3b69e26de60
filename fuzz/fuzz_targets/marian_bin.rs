//! Marian binary models: indexing any bytes never panics, nor does reading
//! every tensor, the embedded model.yml, or its architecture check.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use precis_bergamot::{BergamotConfig, ItemType, MarianFile};

fuzz_target!(|bytes: &[u8]| {
    let Ok(file) = MarianFile::from_bytes(bytes.to_vec(), Path::new("fuzz.bin")) else {
        return;
    };
    for item in file.items() {
        let _ = item.elements();
        match item.item_type {
            ItemType::Int8 => {
                if let Ok(yaml) = file.text(&item.name) {
                    let _ = BergamotConfig::from_model_yml(yaml);
                }
            }
            ItemType::Float32 | ItemType::Intgemm8 => {
                let _ = file.matrix(&item.name);
                let _ = file.quant_mult(item);
            }
        }
    }
});
