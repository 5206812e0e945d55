//! The floor for `hrcs code` in the benchmark (`bench/bench.py`): one pass of the `csv` crate
//! over a file with a reused `ByteRecord`, counting rows, the way `xsv count` does. Built with
//! `cargo build --release --example csvcount`; not part of hrcs.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: csvcount FILE")?;
    let mut reader = csv::ReaderBuilder::new().from_path(&path)?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record)? {
        rows += 1;
    }
    println!("{rows}");
    Ok(())
}
