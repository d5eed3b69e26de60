use precis_e2e::Sandbox;

#[test]
fn version_runs() {
    Sandbox::new().precis().arg("--version").assert().success();
}
