//! Where a command's output goes: standard output, or the path named with `-o`. Every
//! subcommand opens its output here, so they all treat paths alike.
//!
//! A regular file, or a path that does not exist yet, is written to a temporary file beside it
//! and renamed over it only when the run succeeds, so a failed or interrupted run never leaves a
//! partial file (a symlink is followed: its target is replaced and the link stays a link).
//! Anything else (a device such as `/dev/null`, a named pipe, `>(gzip > x.gz)`, `/dev/stdout`)
//! is written straight through: renaming over it would replace the device or pipe itself, and
//! as root that turns `/dev/null` into a plain file for every process on the machine.
//!
//! Write errors name the destination but keep their kind, so a closed pipe is still recognised
//! as one (`error::is_broken_pipe`) and a full disk is a one-line error.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

use anyhow::{bail, Context, Result};

/// An open output; nothing is in place at the path until [`Output::commit`].
pub struct Output {
    /// The destination as the user named it, for messages.
    name: String,
    kind: Kind,
}

enum Kind {
    Stdout,
    /// A device, pipe or other special file, written straight through.
    Direct(File),
    /// A temporary file renamed over `target` by `commit`; `temp` is `None` once committed.
    Atomic {
        file: File,
        temp: Option<tempfile::TempPath>,
        target: PathBuf,
    },
}

impl Output {
    /// Opens the output: `None` or `-` is standard output, anything else a path as described in
    /// the module documentation.
    pub fn create(path: Option<&Path>) -> Result<Output> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output {
                name: "standard output".into(),
                kind: Kind::Stdout,
            });
        };
        let name = path.display().to_string();
        let kind = open(path, &name)?;
        Ok(Output { name, kind })
    }

    /// True when the output is standard output.
    pub fn is_stdout(&self) -> bool {
        matches!(self.kind, Kind::Stdout)
    }

    /// A writer for the output (unbuffered: writers buffer themselves). Its errors name the
    /// destination.
    pub fn writer(&self) -> Result<Sink> {
        let inner = match &self.kind {
            Kind::Stdout => return Ok(stdout()),
            Kind::Direct(f) | Kind::Atomic { file: f, .. } => Inner::File(
                f.try_clone()
                    .with_context(|| format!("{}: cannot write the output", self.name))?,
            ),
        };
        Ok(Sink {
            inner,
            name: self.name.clone(),
        })
    }

    /// Puts the output in place: renames the temporary file over the target (a direct output or
    /// standard output has nothing left to do). Call it only when the run succeeded, after the
    /// writers have flushed; dropping an `Output` without it removes the temporary file.
    pub fn commit(mut self) -> Result<()> {
        let Kind::Atomic { temp, target, .. } = &mut self.kind else {
            return Ok(());
        };
        let Some(temp) = temp.take() else {
            return Ok(());
        };
        // Under the lock, so a signal's clean-up never races the rename.
        let mut pending = pending();
        let at = temp.to_path_buf();
        let result = temp.persist(&*target);
        pending.retain(|p| *p != at);
        result
            .map_err(|e| e.error)
            .with_context(|| format!("{}: cannot write the output", self.name))
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Kind::Atomic { temp: Some(t), .. } = &self.kind {
            pending().retain(|p| p != &t.to_path_buf());
        }
        // The `TempPath` itself removes the file as it drops.
    }
}

/// Writes `bytes` whole to the output (standard output for `None` or `-`).
pub fn write_whole(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    let out = Output::create(path)?;
    let mut w = out.writer()?;
    w.write_all(bytes)?;
    w.flush()?;
    drop(w);
    out.commit()
}

/// Writes a message line to standard error, ignoring failure: a message nobody can read (a
/// closed pipe: `hrcs ... 2>&1 | head -1`) is no reason to fail a run that did its work, and
/// `eprintln!` would panic there. Use it for every message and summary line.
pub fn note(message: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

/// Standard output as a [`Sink`], for commands that only ever print.
pub fn stdout() -> Sink {
    Sink {
        inner: Inner::Stdout(io::stdout()),
        name: "standard output".into(),
    }
}

/// A writer whose errors say where the write went, keeping the error's kind.
pub struct Sink {
    inner: Inner,
    name: String,
}

enum Inner {
    Stdout(io::Stdout),
    File(File),
}

impl Sink {
    fn label(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: cannot write: {e}", self.name))
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = match &mut self.inner {
            Inner::Stdout(s) => s.write(buf),
            Inner::File(f) => f.write(buf),
        };
        r.map_err(|e| self.label(e))
    }
    fn flush(&mut self) -> io::Result<()> {
        let r = match &mut self.inner {
            Inner::Stdout(s) => s.flush(),
            Inner::File(f) => f.flush(),
        };
        r.map_err(|e| self.label(e))
    }
}

/// Opens a path output: atomically for a regular file or a new path, straight through for
/// anything else.
fn open(path: &Path, name: &str) -> Result<Kind> {
    if path.as_os_str().is_empty() {
        bail!("-o needs a file name (or - for standard output)");
    }
    if names_an_open_file(path) {
        return direct(path, name);
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {
            let target = path
                .canonicalize()
                .with_context(|| format!("{name}: cannot open the output"))?;
            atomic(&target, name, Some(m.permissions()))
        }
        Ok(m) if m.is_dir() => bail!("{name}: is a folder; name a file to write with -o"),
        Ok(_) => direct(path, name),
        Err(e) if e.kind() == io::ErrorKind::NotFound => atomic(&link_target(path), name, None),
        Err(e) => Err(e).with_context(|| format!("{name}: cannot open the output")),
    }
}

/// `/dev/stdout`, `/dev/fd/N`, `/proc/...`: names the system gives to files that are already
/// open. Written straight through even when they lead to a regular file, so `>> log` appends.
fn names_an_open_file(path: &Path) -> bool {
    ["/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/"]
        .iter()
        .any(|p| path.starts_with(p) || path.as_os_str() == *p)
}

fn direct(path: &Path, name: &str) -> Result<Kind> {
    let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    let file = OpenOptions::new()
        .write(true)
        .append(regular)
        .open(path)
        .with_context(|| format!("{name}: cannot open the output"))?;
    Ok(Kind::Direct(file))
}

/// The path a chain of symlinks ends at (the path itself when it is not a link), so a link
/// to a file not yet written gets the file, not a plain file in place of the link.
fn link_target(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        let is_link = std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink());
        let Some(next) = is_link.then(|| std::fs::read_link(&p).ok()).flatten() else {
            break;
        };
        p = match p.parent() {
            Some(dir) if next.is_relative() => dir.join(next),
            _ => next,
        };
    }
    p
}

fn atomic(target: &Path, name: &str, keep: Option<std::fs::Permissions>) -> Result<Kind> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let prefix = format!(".{file_name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // A new file gets the usual 0666 less the umask, like any file a program creates.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let temp = builder
        .tempfile_in(dir)
        .with_context(|| format!("{name}: cannot create the output file in {}", dir.display()))?;
    if let Some(perm) = keep {
        // A replaced file keeps its permissions.
        let _ = temp.as_file().set_permissions(perm);
    }
    let (file, temp) = temp.into_parts();
    pending().push(temp.to_path_buf());
    remove_pending_on_signal();
    Ok(Kind::Atomic {
        file,
        temp: Some(temp),
        target: target.to_path_buf(),
    })
}

/// Temporary files not yet renamed into place.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// On SIGINT, SIGTERM or SIGHUP, removes the pending temporary files and exits 128 + the
/// signal (130, 143, 129), the code a shell reports for a process killed by it.
///
/// signal-hook rather than a hand-written libc handler: its handler only wakes a thread, and
/// that thread removes the files with ordinary code, so there is no async-signal-safety to get
/// right by hand. `ctrlc` does not say which signal arrived, and the exit code depends on it.
/// Installed with the first temporary file: without one, the default action (die) is right.
fn remove_pending_on_signal() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("hrcs-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Held until exit, so no rename can start after the files are removed.
                    let mut pending = pending();
                    for p in pending.drain(..) {
                        let _ = std::fs::remove_file(p);
                    }
                    std::process::exit(128 + signal);
                }
            });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_file_names_are_recognised() {
        assert!(names_an_open_file(Path::new("/dev/stdout")));
        assert!(names_an_open_file(Path::new("/dev/fd/63")));
        assert!(names_an_open_file(Path::new("/proc/self/fd/1")));
        assert!(!names_an_open_file(Path::new("/dev/shm/out.csv")));
        assert!(!names_an_open_file(Path::new("out.csv")));
    }

    #[test]
    fn a_dropped_output_leaves_nothing_and_a_committed_one_is_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let out = Output::create(Some(&path)).unwrap();
        out.writer().unwrap().write_all(b"half").unwrap();
        drop(out);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_whole(Some(&path), b"whole").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"whole");
        assert!(!pending().iter().any(|p| p.starts_with(dir.path())));
    }
}
