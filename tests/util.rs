//! A temporary work folder with a command helper (after xsv's `Workdir`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Workdir {
    dir: tempfile::TempDir,
}

/// What a run printed and how it ended.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
    pub raw: Vec<u8>,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success, got exit {}\nstderr:\n{}",
            self.code, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn fails(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    /// CSV output as rows of fields, header first.
    pub fn csv(&self) -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(self.stdout.as_bytes());
        r.records()
            .map(|rec| rec.unwrap().iter().map(|s| s.to_string()).collect())
            .collect()
    }
    /// CSV output as maps from column name to value.
    pub fn rows(&self) -> Vec<std::collections::HashMap<String, String>> {
        let all = self.csv();
        let header = &all[0];
        all[1..]
            .iter()
            .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
            .collect()
    }
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, contents).unwrap();
        p
    }
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, None)
    }
    /// The command for `hrcs args` in the work folder, for tests that wire it up themselves.
    pub fn command<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hrcs"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        cmd
    }
    pub fn run_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        let mut cmd = self.command(args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let child = match stdin {
            None => cmd.spawn().unwrap(),
            Some(input) => {
                let mut child = cmd.stdin(Stdio::piped()).spawn().unwrap();
                let mut pipe = child.stdin.take().unwrap();
                let input = input.to_vec();
                // A thread, so a large input cannot dead-lock against a full output pipe.
                std::thread::spawn(move || {
                    use std::io::Write;
                    let _ = pipe.write_all(&input);
                });
                child
            }
        };
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().unwrap();
        Run {
            stdout: String::from_utf8_lossy(&stdout).to_string(),
            stderr: String::from_utf8_lossy(&stderr).to_string(),
            code: status.code().unwrap_or(-1),
            raw: stdout,
        }
    }
}

/// The repository's fixtures folder.
pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
        .display()
        .to_string()
}

/// Sum of the percentages of a `Code:50;Code:50` field, in hundredths.
pub fn percent_sum(field: &str) -> u32 {
    field
        .split(';')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let p = s.rsplit_once(':').unwrap().1;
            (p.parse::<f64>().unwrap() * 100.0).round() as u32
        })
        .sum()
}

/// The codes of a `Code:50;Code:50` field.
pub fn codes(field: &str) -> Vec<String> {
    field
        .split(';')
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit_once(':').unwrap().0.to_string())
        .collect()
}

/// A small CSV of awards with the given header and rows.
pub fn csv_text(header: &[&str], rows: &[&[&str]]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(*r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}
