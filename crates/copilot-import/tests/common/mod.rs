//! Helpers shared by the integration tests: synthetic ID numbers and temporary files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A valid 18-character ID number (GB 11643-1999) for a region, a birth date `YYYYMMDD` and a
/// 3-digit sequence number. Synthetic: generated, not anyone's.
pub fn id_number(region: &str, birth: &str, sequence: u32) -> String {
    let body = format!("{region}{birth}{sequence:03}");
    assert_eq!(body.len(), 17);
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize])
}

/// The same ID number with a wrong check digit.
pub fn bad_checksum(id: &str) -> String {
    let last = id.chars().last().unwrap();
    let wrong = if last == '1' { '2' } else { '1' };
    format!("{}{wrong}", &id[..17])
}

/// Writes bytes to `name` in `dir` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The sample data folder of the repository.
pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/sample")
}

/// A minimal English header for clients.
pub const CLIENT_HEADER: &str =
    "client_id,name,id_number,birth_date,risk_level,assessment_date,investable_assets";

/// One minimal client row with a valid ID number.
pub fn client_row(n: usize) -> String {
    let birth = format!("19{:02}0{}1{}", 50 + n % 40, 1 + n % 9, n % 10);
    let id = id_number("110105", &birth, (n % 1000) as u32);
    let birth_iso = format!("{}-{}-{}", &birth[..4], &birth[4..6], &birth[6..]);
    format!(
        "C{n:05},客户{n},{id},{birth_iso},C{},2026-01-15,{}",
        1 + n % 5,
        100_000 + n
    )
}
