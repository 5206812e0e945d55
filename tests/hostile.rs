//! Hostile input: every case of docs/bad-input.md with its defined behaviour. No case may lose,
//! merge or reorder a row without saying so, and no case may leave a complete-looking output file
//! behind a failed run.

use crate::util::Workdir;

/// The ids of a coded CSV, in output order.
fn ids(run: &crate::util::Run) -> Vec<String> {
    run.rows().iter().map(|r| r["id"].clone()).collect()
}

/// The summary line's counters.
fn summary(stderr: &str) -> std::collections::HashMap<String, String> {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("hrcs: rows_read="))
        .unwrap_or_else(|| panic!("no summary line in {stderr:?}"));
    line["hrcs: ".len()..]
        .split(' ')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn an_unclosed_quote_fails_naming_its_line_and_leaves_no_output() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n1,Asthma,\"Unclosed quote\n2,Glaucoma,fine row\n3,Stroke,another row\n",
    );
    let run = wd.run(&["code", "in.csv", "-o", "out.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("in.csv:2: unbalanced quote: a quote in column \"abstract\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("lines 3-4"), "{}", run.stderr);
    assert!(!wd.path("out.csv").exists(), "no partial output file");
}

#[test]
fn a_quote_closed_rows_later_fails_instead_of_merging_rows() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n1,Asthma,\"Quote opens\n2,Glaucoma,fine row\n3,Stroke,\"closes here\"\n4,Cancer,ok\n",
    );
    let run = wd.run(&["code", "in.csv"]).fails(1);
    assert!(
        run.stderr.contains("in.csv:2: unbalanced quote"),
        "{}",
        run.stderr
    );
}

#[test]
fn quoted_fields_over_several_lines_with_escaped_quotes_are_fine() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n1,Asthma,\"First paragraph, with commas.\n\nSecond \"\"quoted\"\" paragraph, more commas.\"\n2,Glaucoma,ok\n",
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    assert_eq!(ids(&run), ["1", "2"]);
}

#[test]
fn nul_bytes_are_removed_and_flagged() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        b"id,title,abstract\n1,Asth\0ma,text\n2,Glaucoma,ok\n",
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    let rows = run.rows();
    assert_eq!(ids(&run), ["1", "2"]);
    assert!(rows[0]["hc"].starts_with("Respiratory"), "{:?}", rows[0]);
    assert!(rows[0]["review_reasons"].contains("row_error"));
    assert!(
        rows[0]["evidence"].contains("contains NUL bytes: removed"),
        "{:?}",
        rows[0]
    );
    assert!(!rows[1]["review_reasons"].contains("row_error"));
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded() {
    let wd = Workdir::new();
    let text = "id\ttitle\tabstract\r\n1\tGlaucoma in adults\tRetinal imaging\r\n";
    let mut bytes = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    wd.write("in.tsv", bytes);
    let run = wd.run(&["code", "in.tsv"]).ok();
    let rows = run.rows();
    assert_eq!(ids(&run), ["1"]);
    assert!(rows[0]["hc"].starts_with("Eye"), "{:?}", rows[0]);
}

#[test]
fn mixed_line_ends_give_one_row_per_line_with_true_line_numbers() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,abstract\r\n1,Asthma\n2,Glaucoma\r\n3,Stroke,extra\n4,Cancer\r\n",
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    assert_eq!(ids(&run), ["1", "2", "3", "4"]);
    assert!(run.rows()[2]["evidence"].contains("line 4"));
}

#[test]
fn a_duplicated_column_name_that_is_read_is_a_usage_error() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract,Abstract\n1,one,two\n");
    let run = wd.run(&["code", "in.csv"]).fails(2);
    assert!(
        run.stderr
            .contains("the abstract column \"abstract\" appears 2 times (columns 2, 3)"),
        "{}",
        run.stderr
    );
    // Duplicates among the columns not read are no problem.
    wd.write("other.csv", "id,abstract,note,note\n1,Asthma,a,b\n");
    wd.run(&["code", "other.csv"]).ok();
}

#[test]
fn duplicate_ids_are_kept_in_order() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n7,Asthma\n7,Glaucoma\n7,Stroke\n");
    let run = wd.run(&["code", "in.csv"]).ok();
    let rows = run.rows();
    assert_eq!(ids(&run), ["7", "7", "7"]);
    assert!(rows[1]["hc"].starts_with("Eye"));
}

#[test]
fn redaction_markers_are_no_text_not_a_guess() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n\
         1,,Not available in public dataset\n\
         2,,Redacted for public dataset\n\
         3,,no data entered\n\
         4,,redacted\n\
         5,,n/a\n\
         6,,-\n\
         7,,\n\
         8,Glaucoma in adults,[Redacted]\n",
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    let rows = run.rows();
    assert_eq!(rows.len(), 8);
    for r in &rows[..7] {
        assert_eq!(r["hc"], "", "{r:?}");
        assert_eq!(r["rac"], "", "{r:?}");
        assert_eq!(r["review_reasons"], "no_text", "{r:?}");
    }
    assert!(rows[7]["hc"].starts_with("Eye"));
    assert!(rows[7]["review_reasons"].contains("title_only"));
    let s = summary(&run.stderr);
    assert_eq!(s["no_text"], "7");
    assert_eq!(s["rows_read"], "8");
}

#[test]
fn a_ten_megabyte_field_is_coded() {
    let wd = Workdir::new();
    let mut big = String::with_capacity(10_500_000);
    while big.len() < 10_000_000 {
        big.push_str("Glaucoma damages the optic nerve in older adults. ");
    }
    wd.write(
        "in.csv",
        format!("id,abstract\n1,\"{big}\"\n2,Asthma in children\n"),
    );
    let run = wd.run(&["code", "in.csv", "-q"]).ok();
    let rows = run.rows();
    assert_eq!(ids(&run), ["1", "2"]);
    assert!(rows[0]["hc"].starts_with("Eye"), "{:?}", rows[0]["hc"]);
}

#[test]
fn a_million_rows_are_all_accounted_for() {
    let wd = Workdir::new();
    let mut text = String::with_capacity(20_000_000);
    text.push_str("id,abstract\n");
    for i in 0..1_000_000u32 {
        // Every 1000th row is ragged: damaged rows are counted, not dropped.
        if i % 1000 == 0 {
            text.push_str(&format!("{i},asthma,extra\n"));
        } else {
            text.push_str(&format!("{i},asthma\n"));
        }
    }
    wd.write("in.csv", text);
    let run = wd
        .run(&["code", "in.csv", "-o", "out.csv", "--layout", "wide"])
        .ok();
    let s = summary(&run.stderr);
    assert_eq!(s["rows_read"], "1000000");
    assert_eq!(s["coded"], "1000000");
    assert_eq!(s["row_errors"], "1000");
    let out = std::fs::read_to_string(wd.path("out.csv")).unwrap();
    assert_eq!(out.lines().count(), 1_000_001);
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("999999,"), "{last}");
}

#[test]
fn a_truncated_gzip_fails_naming_the_line_and_leaves_no_output() {
    let wd = Workdir::new();
    let mut text = String::from("id,abstract\n");
    for i in 0..5000 {
        text.push_str(&format!("{i},Asthma and glaucoma in adults number {i}\n"));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    wd.write("in.csv.gz", &bytes[..bytes.len() / 2]);
    let run = wd.run(&["code", "in.csv.gz", "-o", "out.csv"]).fails(1);
    assert!(
        run.stderr.contains("in.csv.gz:") && run.stderr.contains("check that the file is complete"),
        "{}",
        run.stderr
    );
    assert!(!wd.path("out.csv").exists());
}

#[test]
fn a_corrupt_spreadsheet_fails_and_leaves_no_output() {
    let wd = Workdir::new();
    wd.write("in.xlsx", b"PK\x03\x04 this is not a spreadsheet");
    let run = wd.run(&["code", "in.xlsx", "-o", "out.csv"]).fails(1);
    assert!(run.stderr.contains("in.xlsx"), "{}", run.stderr);
    assert!(!wd.path("out.csv").exists());
}

#[test]
fn an_unwritable_output_path_is_an_error_naming_it() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n1,Asthma\n");
    // A file where a folder should be: fails even for root, unlike permissions.
    wd.write("blocker", "");
    let run = wd
        .run(&["code", "in.csv", "-o", "blocker/out.csv"])
        .fails(1);
    assert!(run.stderr.contains("blocker/out.csv"), "{}", run.stderr);
}

// Output side: `-o` never replaces what is not a regular file, interrupted runs clean up, closed
// pipes and full disks are not panics, the terminal stays readable, money adds up.

/// Files in the work folder whose name says they are temporary outputs.
fn temp_files(wd: &Workdir) -> Vec<String> {
    std::fs::read_dir(wd.path("."))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

fn mkfifo(path: &std::path::Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

#[test]
fn output_to_a_named_pipe_is_written_through_and_the_pipe_stays() {
    use std::os::unix::fs::FileTypeExt;
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n1,Asthma\n2,Glaucoma\n");
    let fifo = wd.path("out.fifo");
    mkfifo(&fifo);
    // The reader is never joined when the pipe was replaced: it would wait for ever.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    wd.run(&["code", "in.csv", "-q", "-o", "out.fifo"]).ok();
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the named pipe was replaced by {kind:?}");
    assert_eq!(reader.join().unwrap().lines().count(), 3);
    assert!(temp_files(&wd).is_empty(), "{:?}", temp_files(&wd));
}

#[test]
fn output_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n1,Asthma\n");
    wd.write("real.csv", "old\n");
    std::os::unix::fs::symlink("real.csv", wd.path("link.csv")).unwrap();
    std::os::unix::fs::symlink("later.csv", wd.path("dangling.csv")).unwrap();
    wd.run(&["code", "in.csv", "-q", "-o", "link.csv"]).ok();
    wd.run(&["code", "in.csv", "-q", "-o", "dangling.csv"]).ok();
    for (link, target) in [("link.csv", "real.csv"), ("dangling.csv", "later.csv")] {
        let meta = std::fs::symlink_metadata(wd.path(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is no longer a link");
        assert!(
            wd.read(target).starts_with("id,hc,"),
            "{target} not written"
        );
    }
}

#[test]
fn output_to_a_folder_is_an_error_naming_it() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n1,Asthma\n");
    std::fs::create_dir(wd.path("folder")).unwrap();
    let run = wd.run(&["code", "in.csv", "-o", "folder"]).fails(1);
    assert!(run.stderr.contains("folder: is a folder"), "{}", run.stderr);
    assert!(temp_files(&wd).is_empty());
}

/// True when `path` is a character device (the machine's /dev/null and /dev/full are).
fn is_char_device(path: &str) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

#[test]
fn output_to_dev_null_writes_through_and_leaves_the_device() {
    // Run as root, a rename over /dev/null would replace the machine's /dev/null: this test is
    // only safe with the fix, which writes straight through to any special file.
    if !is_char_device("/dev/null") {
        eprintln!("skipped: /dev/null is not a character device here");
        return;
    }
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n1,Asthma\n");
    wd.write(
        "coded.csv",
        "id,hc,rac,review\n1,Cancer:100,2.1:100,false\n",
    );
    wd.run(&["code", "in.csv", "-q", "-o", "/dev/null"]).ok();
    wd.run(&["summary", "coded.csv", "-o", "/dev/null"]).ok();
    wd.run(&["report", "coded.csv", "-o", "/dev/null"]).ok();
    wd.run(&[
        "diff",
        "--old",
        "default",
        "--new",
        "default",
        "in.csv",
        "-q",
        "-o",
        "/dev/null",
    ])
    .ok();
    assert!(
        is_char_device("/dev/null"),
        "/dev/null is no longer a device"
    );
}

#[test]
fn a_full_disk_is_a_one_line_error_for_every_subcommand() {
    if !is_char_device("/dev/full") {
        eprintln!("skipped: no /dev/full here");
        return;
    }
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n1,Asthma\n");
    wd.write(
        "coded.csv",
        "id,hc,rac,review\n1,Cancer:100,2.1:100,false\n",
    );
    // -o /dev/full: a device, written straight through, so the write fails as on a full disk.
    let lexicons = format!("{}/lexicons", env!("CARGO_MANIFEST_DIR"));
    for args in [
        vec!["code", "in.csv", "-q", "-o", "/dev/full"],
        vec!["summary", "coded.csv", "-o", "/dev/full"],
        vec!["report", "coded.csv", "-o", "/dev/full"],
        vec![
            "diff",
            "--old",
            "default",
            "--new",
            &lexicons,
            "in.csv",
            "-q",
            "-o",
            "/dev/full",
        ],
    ] {
        let run = wd.run(&args);
        let want = "hrcs: error: /dev/full: cannot write: No space left on device";
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with(want), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
    }
    assert!(is_char_device("/dev/full"));
    // Standard output on a full disk.
    for args in stdout_commands() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = wd.command(&args).stdout(full).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("hrcs: error: standard output: cannot write: No space left"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}

/// A command line of every subcommand that writes to standard output.
fn stdout_commands() -> Vec<Vec<String>> {
    let awards = crate::util::fixture("awards.csv");
    let lexicons = format!("{}/lexicons", env!("CARGO_MANIFEST_DIR"));
    [
        vec!["lexicon", "check"],
        vec!["codes"],
        vec!["codes", "--format", "json"],
        vec!["code", &awards, "-q"],
        vec!["code", &awards, "-q", "--format", "jsonl"],
        vec!["eval", &awards],
        vec![
            "diff", "--old", "default", "--new", &lexicons, &awards, "-q",
        ],
        vec!["summary", "coded.csv"],
        vec!["--help"],
        vec!["--version"],
    ]
    .iter()
    .map(|a| a.iter().map(|s| s.to_string()).collect())
    .collect()
}

#[test]
fn a_closed_pipe_ends_quietly_with_success_for_every_subcommand() {
    let wd = Workdir::new();
    wd.write(
        "coded.csv",
        "id,hc,rac,review\n1,Cancer:100,2.1:100,false\n",
    );
    for args in stdout_commands() {
        let mut child = wd
            .command(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written (`hrcs ... | head -0`).
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_closed_pipe_on_standard_error_is_no_panic_and_the_output_is_written() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n1,Asthma\n");
    let lexicons = format!("{}/lexicons", env!("CARGO_MANIFEST_DIR"));
    for args in [
        vec!["code", "in.csv", "-o", "out.csv"],
        vec![
            "diff", "--old", "default", "--new", &lexicons, "in.csv", "-o", "out.csv",
        ],
    ] {
        let _ = std::fs::remove_file(wd.path("out.csv"));
        // `hrcs ... 2>&1 | true`: the summary line goes to a pipe nobody reads.
        let mut child = wd
            .command(&args)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}");
        assert!(wd.path("out.csv").exists(), "{args:?}");
    }
}

/// Starts `hrcs code - -o out.csv` on an input that never ends, waits until its temporary file
/// exists, sends `signal` and returns the exit code.
fn interrupted_run(wd: &Workdir, signal: &str) -> Option<i32> {
    use std::io::Write;
    let mut child = wd
        .command(&["code", "-", "-q", "-o", "out.csv"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"id,abstract\n1,Asthma\n").unwrap();
    stdin.flush().unwrap();
    // Not a timing: a wait for the run to reach the point where it has a temporary file.
    while temp_files(wd).is_empty() {
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    let kill = std::process::Command::new("kill")
        .args([signal, pid.as_str()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    drop(stdin);
    status.code()
}

#[test]
fn an_interrupted_run_removes_its_temporary_file_and_exits_130_or_143() {
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let wd = Workdir::new();
        assert_eq!(interrupted_run(&wd, signal), Some(code), "{signal}");
        assert!(
            temp_files(&wd).is_empty(),
            "{signal}: {:?}",
            temp_files(&wd)
        );
        assert!(!wd.path("out.csv").exists(), "{signal}: a partial output");
    }
}

/// Runs `hrcs` with standard output and standard error on one pseudo-terminal, as in a terminal
/// window, and returns everything the terminal received.
fn run_on_a_terminal(wd: &Workdir, args: &[&str], stdin: Vec<u8>) -> String {
    use std::io::{Read, Write};
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    let ok = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(ok, 0, "openpty");
    let (master, slave) = unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    };
    let mut child = wd
        .command(args)
        .stdin(std::process::Stdio::piped())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave)
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let mut master = master;
    let mut seen = Vec::new();
    let mut buf = [0u8; 65536];
    // Read until the child has gone and the terminal is drained (Linux then says EIO).
    loop {
        match master.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    feeder.join().unwrap();
    assert!(child.wait().unwrap().success());
    String::from_utf8_lossy(&seen).to_string()
}

#[test]
fn on_a_terminal_the_progress_bar_never_interleaves_with_the_rows() {
    let wd = Workdir::new();
    let mut input = String::from("id,abstract\n");
    for i in 0..30_000 {
        input.push_str(&format!("{i},Asthma in children and glaucoma in adults\n"));
    }
    let screen = run_on_a_terminal(&wd, &["code", "-"], input.into_bytes());
    assert!(screen.contains("29999,"), "the rows are on the terminal");
    assert!(
        !screen.contains("awards coded"),
        "a progress bar was drawn among the rows"
    );
    assert!(screen.contains("hrcs: rows_read=30000"), "the summary line");
}

#[test]
fn amounts_are_rounded_on_the_total_so_the_summary_adds_up() {
    let wd = Workdir::new();
    // A total of 10,807,600.00 split three ways by an export that keeps four decimals.
    wd.write(
        "coded.csv",
        "id,hc,rac,review,Amount\n\
         1,Cancer:100,2.1:100,false,3602533.3333\n\
         2,Cancer:50;Oral:50,2.1:50;2.2:50,false,3602533.3333\n\
         3,Oral:100,2.2:100,false,3602533.3334\n",
    );
    let run = wd
        .run(&[
            "summary",
            "coded.csv",
            "--amount",
            "Amount",
            "--format",
            "csv",
        ])
        .ok();
    for dim in ["hc", "rac_group", "rac"] {
        let cents: i64 = run
            .rows()
            .iter()
            .filter(|r| r["dimension"] == dim)
            .map(|r| r["amount"].replace('.', "").parse::<i64>().unwrap())
            .sum();
        assert_eq!(
            cents, 1_080_760_000,
            "{dim}: 10,807,600.00 in pence: {}",
            run.stdout
        );
    }
}

#[test]
fn output_is_byte_identical_at_1_2_and_8_threads_with_bad_rows() {
    let wd = Workdir::new();
    let topics = [
        "Asthma in children",
        "Glaucoma and retinal imaging",
        "Not available in public dataset",
        "Stroke rehabilitation after discharge",
        "",
        "Breast cancer screening uptake",
    ];
    let mut text: Vec<u8> = b"id,title,abstract\n".to_vec();
    for i in 0..6000usize {
        let t = topics[i % topics.len()];
        match i % 97 {
            0 => text.extend_from_slice(format!("{i},Ragged\n").as_bytes()),
            1 => text.extend_from_slice(format!("{i},Extra,{t},field\n").as_bytes()),
            2 => {
                text.extend_from_slice(format!("{i},Sj").as_bytes());
                text.extend_from_slice(b"\xf6gren,");
                text.extend_from_slice(format!("{t}\n").as_bytes());
            }
            3 => text.extend_from_slice(format!("{i},Nul\0byte,{t}\n").as_bytes()),
            _ => text
                .extend_from_slice(format!("{i},\"Title {i}\",\"{t}. More text.\"\n").as_bytes()),
        }
    }
    wd.write("in.csv", &text);
    let one = wd.run(&["code", "in.csv", "-j", "1", "-q"]).ok().raw;
    for j in ["2", "8"] {
        let other = wd.run(&["code", "in.csv", "-j", j, "-q"]).ok().raw;
        assert!(one == other, "output at -j {j} differs from -j 1");
    }
    let rows = crate::util::Run {
        stdout: String::from_utf8(one).unwrap(),
        stderr: String::new(),
        code: 0,
        raw: Vec::new(),
    };
    let got = ids(&rows);
    let want: Vec<String> = (0..6000).map(|i| i.to_string()).collect();
    assert_eq!(got, want, "every row once, in input order");
}

// ---- Issue 9: column detection never codes silently from the title alone. ----

/// An abstract long enough to count as long text, about the eye (the titles below are not).
const EYE_TEXT: &str = "Glaucoma damages the optic nerve and is a leading cause of blindness in \
older adults. We will test retinal imaging for earlier detection of glaucoma in primary care \
optometry, and measure how many people it finds.";

#[test]
fn abstract_columns_under_funders_names_are_read() {
    for name in [
        "AbstractText",
        "ABSTRACT_TEXT",
        "Project Summary",
        "Lay Summary",
        "Description",
        "Scientific_Abstract",
        "Plain_English_Abstract",
        "project_description",
        "TechAbstractText",
        "objective",
        "Prosjektsammendrag",
        "Populærvitenskapelig sammendrag",
        "populærvitenskapelig_sammendrag",
        "Beskrivelse",
    ] {
        let wd = Workdir::new();
        wd.write(
            "in.csv",
            crate::util::csv_text(&["id", "title", name], &[&["1", "A new study", EYE_TEXT]]),
        );
        let run = wd.run(&["code", "in.csv"]).ok();
        let rows = run.rows();
        assert!(rows[0]["hc"].starts_with("Eye"), "{name}: {:?}", rows[0]);
        assert!(
            !rows[0]["review_reasons"].contains("title_only"),
            "{name}: {:?}",
            rows[0]
        );
        assert!(
            run.stderr.contains(&format!("abstract from {name:?}")),
            "{name}: {}",
            run.stderr
        );
    }
}

#[test]
fn norwegian_headers_give_id_title_and_abstract() {
    for (id, title, text) in [
        ("Prosjektnummer", "Prosjekttittel", "Prosjektsammendrag"),
        ("Prosjekt-ID", "Tittel", "Populærvitenskapelig sammendrag"),
        ("prosjekt_id", "PROSJEKTTITTEL", "beskrivelse"),
    ] {
        let wd = Workdir::new();
        wd.write(
            "in.csv",
            crate::util::csv_text(
                &[text, title, id],
                &[&[EYE_TEXT, "Et nytt prosjekt", "301"]],
            ),
        );
        let run = wd.run(&["code", "in.csv"]).ok();
        let rows = run.rows();
        assert_eq!(rows[0]["id"], "301", "{id}");
        assert!(rows[0]["hc"].starts_with("Eye"), "{text}: {:?}", rows[0]);
        assert!(
            run.stderr.contains(&format!(
                "id from {id:?}, title from {title:?}, abstract from {text:?}"
            )),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn long_text_in_an_unknown_column_stops_the_run_naming_it() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        crate::util::csv_text(
            &["id", "title", "Notes", "Year"],
            &[
                &["1", "A new study", EYE_TEXT, "2021"],
                &["2", "Asthma in children", EYE_TEXT, "2022"],
            ],
        ),
    );
    let run = wd.run(&["code", "in.csv", "-o", "out.csv"]).fails(2);
    assert!(run.stderr.contains("\"Notes\""), "{}", run.stderr);
    assert!(!run.stderr.contains("\"Year\""), "{}", run.stderr);
    assert!(run.stderr.contains("--abstract"), "{}", run.stderr);
    assert!(!wd.path("out.csv").exists());
    // Named, it is read; `--abstract ''` codes from the titles on purpose.
    let named = wd.run(&["code", "in.csv", "--abstract", "Notes"]).ok();
    assert!(named.rows()[0]["hc"].starts_with("Eye"));
    let titles = wd.run(&["code", "in.csv", "--abstract", ""]).ok();
    let rows = titles.rows();
    assert_eq!(ids(&titles), ["1", "2"]);
    assert!(rows[1]["hc"].starts_with("Respiratory"), "{:?}", rows[1]);
    assert!(
        titles
            .stderr
            .contains("no abstract: coding from titles alone"),
        "{}",
        titles.stderr
    );
}

#[test]
fn a_column_named_like_an_abstract_is_never_ignored() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,Abstract (English)\n1,Asthma in children,short\n",
    );
    let run = wd.run(&["code", "in.csv"]).fails(2);
    assert!(
        run.stderr
            .contains("\"Abstract (English)\" may hold the abstract"),
        "{}",
        run.stderr
    );
}

#[test]
fn titles_alone_are_coded_when_there_is_no_text_and_the_note_says_so() {
    let wd = Workdir::new();
    wd.write("in.csv", "ref,title,year\n9,Asthma in children,2020\n");
    let run = wd.run(&["code", "in.csv"]).ok();
    assert!(run.rows()[0]["hc"].starts_with("Respiratory"));
    assert_eq!(
        run.stderr
            .matches("no abstract: coding from titles alone")
            .count(),
        1,
        "{}",
        run.stderr
    );
    let quiet = wd.run(&["code", "in.csv", "-q"]).ok();
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
}

// ---- Issue 9: a stray quote never swallows an award. ----

#[test]
fn a_stray_quote_closed_by_a_lone_quote_rows_later_fails_naming_where_it_opened() {
    let wd = Workdir::new();
    // The quotes pair up, so the parser alone merges rows 2-4 into one award.
    wd.write(
        "in.csv",
        "id,title,abstract\n1,Asthma,\"Quote opens\n2,Glaucoma,fine row\n3,Stroke,closes here\"\n4,Cancer,ok\n",
    );
    let run = wd.run(&["code", "in.csv", "-o", "out.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("in.csv:2: unbalanced quote: a quote in column \"abstract\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("over line 3"), "{}", run.stderr);
    assert!(!wd.path("out.csv").exists());
    // The same in a TSV with project references as ids.
    wd.write(
        "in.tsv",
        "id\ttitle\tabstract\nMR/N01/1\tAsthma\t\"Quote opens\nMR/N02/1\tGlaucoma\tfine\nMR/N03/2\tStroke\tends\"\n",
    );
    let run = wd.run(&["code", "in.tsv"]).fails(1);
    assert!(
        run.stderr.contains("in.tsv:2: unbalanced quote"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_stray_quote_in_the_header_fails_instead_of_swallowing_every_row() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,\"abstract\n1,Asthma,lungs\n2,Glaucoma,eyes\n",
    );
    let run = wd.run(&["code", "in.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("in.csv:1: unbalanced quote in the header"),
        "{}",
        run.stderr
    );
}

// ---- Issue 9: old Mac line endings. ----

#[test]
fn old_mac_line_endings_read_every_row() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\r1,Asthma,lungs\r2,Glaucoma,\"two\rparagraphs\"\r3,Stroke,ok,extra\r",
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    assert_eq!(ids(&run), ["1", "2", "3"]);
    let rows = run.rows();
    assert!(rows[1]["hc"].starts_with("Eye"), "{:?}", rows[1]);
    assert!(rows[2]["evidence"].contains("line 5"), "{:?}", rows[2]);
    assert_eq!(summary(&run.stderr)["rows_read"], "3");
}

// ---- Issue 9: spreadsheets as people make them. ----

/// Writes a workbook: sheets of rows of strings.
fn workbook(wd: &Workdir, name: &str, sheets: &[(&str, &[&[&str]])]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (sheet_name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*sheet_name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
    }
    book.save(wd.path(name)).unwrap();
}

#[test]
fn a_readme_sheet_first_gets_advice_naming_the_data_sheet() {
    let wd = Workdir::new();
    workbook(
        &wd,
        "in.xlsx",
        &[
            ("ReadMe", &[&["About this file"], &["Exported 2024-01-01"]]),
            (
                "Awards",
                &[&["id", "title", "abstract"], &["1", "Study", EYE_TEXT]],
            ),
        ],
    );
    let run = wd.run(&["code", "in.xlsx"]).fails(2);
    assert!(
        run.stderr.contains("\"ReadMe\", \"Awards\"") && run.stderr.contains("--sheet \"Awards\""),
        "{}",
        run.stderr
    );
    let run = wd.run(&["code", "in.xlsx", "--sheet", "Awards"]).ok();
    assert!(run.rows()[0]["hc"].starts_with("Eye"));
}

#[test]
fn title_rows_above_the_header_are_skipped_and_said() {
    let wd = Workdir::new();
    workbook(
        &wd,
        "in.xlsx",
        &[(
            "Awards",
            &[
                &["NIHR awards, exported 2024"],
                &[""],
                &["Project ID", "Project Title", "Scientific Abstract"],
                &["NIHR1", "Study", EYE_TEXT],
                &["NIHR2", "Asthma in children", ""],
            ],
        )],
    );
    let run = wd.run(&["code", "in.xlsx"]).ok();
    assert_eq!(ids(&run), ["NIHR1", "NIHR2"]);
    assert!(
        run.stderr.contains("header found on row 3"),
        "{}",
        run.stderr
    );
    // The same in CSV, and --skip-rows where the header names nothing known.
    wd.write(
        "in.csv",
        format!("NIHR awards exported 2024,,\n,,\nProject ID,Project Title,Scientific Abstract\nNIHR1,Study,\"{EYE_TEXT}\"\n"),
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    assert_eq!(ids(&run), ["NIHR1"]);
    assert!(
        run.stderr.contains("header found on line 3"),
        "{}",
        run.stderr
    );
    wd.write(
        "odd.csv",
        "Export,of,awards\nRef,Name,Text\n7,Glaucoma study,glaucoma\n",
    );
    let run = wd
        .run(&[
            "code",
            "odd.csv",
            "--skip-rows",
            "1",
            "--title",
            "Name",
            "--abstract",
            "Text",
            "--id",
            "Ref",
        ])
        .ok();
    assert_eq!(ids(&run), ["7"]);
    assert!(run.rows()[0]["hc"].starts_with("Eye"));
}

#[test]
fn a_lone_title_row_gets_skip_rows_advice() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "Awards 2024\nRef;Name;Text\n7;Glaucoma study;glaucoma\n",
    );
    let run = wd.run(&["code", "in.csv"]).fails(2);
    assert!(run.stderr.contains("--skip-rows"), "{}", run.stderr);
}

#[test]
fn spreadsheet_dates_come_out_as_iso_dates() {
    let wd = Workdir::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["id", "abstract", "StartDate"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "1").unwrap();
    sheet.write_string(1, 1, EYE_TEXT).unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 4, 1).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_datetime_with_format(1, 2, &date, &format)
        .unwrap();
    book.save(wd.path("in.xlsx")).unwrap();
    let run = wd.run(&["code", "in.xlsx", "--keep"]).ok();
    assert_eq!(run.rows()[0]["StartDate"], "2022-04-01");
}

#[test]
fn the_bytes_say_the_format_whatever_the_name() {
    let wd = Workdir::new();
    workbook(
        &wd,
        "book.xlsx",
        &[("Awards", &[&["id", "abstract"], &["1", EYE_TEXT]])],
    );
    std::fs::copy(wd.path("book.xlsx"), wd.path("book.csv")).unwrap();
    let run = wd.run(&["code", "book.csv"]).ok();
    assert!(run.rows()[0]["hc"].starts_with("Eye"), "{}", run.stderr);
    // Text served as a spreadsheet is read as text.
    wd.write("text.xlsx", format!("id,abstract\n1,\"{EYE_TEXT}\"\n"));
    let run = wd.run(&["code", "text.xlsx"]).ok();
    assert!(run.rows()[0]["hc"].starts_with("Eye"));
}

#[test]
fn a_comma_file_named_tsv_gets_delimiter_advice() {
    let wd = Workdir::new();
    wd.write("in.tsv", "id,title,abstract\n1,Asthma,lungs\n");
    let run = wd.run(&["code", "in.tsv"]).fails(2);
    assert!(run.stderr.contains("--delimiter ','"), "{}", run.stderr);
    wd.run(&["code", "in.tsv", "--delimiter", ","]).ok();
}

// ---- Issue 9: --keep keeps every field. ----

#[test]
fn keep_keeps_the_extra_fields_of_a_ragged_row() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n1,Asthma,lungs,extra one,extra two\n2,Glaucoma\n3,Stroke,ok\n",
    );
    let run = wd.run(&["code", "in.csv", "--keep"]).ok();
    let rows = run.rows();
    assert_eq!(rows[0]["input_extra"], "extra one,extra two");
    assert_eq!(rows[1]["input_extra"], "");
    assert_eq!(rows[2]["input_extra"], "");
    assert!(rows[0]["review_reasons"].contains("row_error"));
    // JSON lines: keys the first object lacked are kept as an object.
    wd.write(
        "in.jsonl",
        "{\"id\":\"1\",\"abstract\":\"lungs\"}\n{\"id\":\"2\",\"abstract\":\"eyes\",\"year\":2020}\n",
    );
    let run = wd.run(&["code", "in.jsonl", "--keep"]).ok();
    assert_eq!(run.rows()[1]["input_extra"], "{\"year\":2020}");
}

#[test]
fn excels_sep_line_says_the_delimiter_and_is_not_the_header() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "sep=|\r\nRef|Name|Text\r\n7|Glaucoma study|glaucoma\r\n",
    );
    let run = wd
        .run(&[
            "code",
            "in.csv",
            "--id",
            "Ref",
            "--title",
            "Name",
            "--abstract",
            "Text",
        ])
        .ok();
    assert_eq!(ids(&run), ["7"]);
    assert!(run.rows()[0]["hc"].starts_with("Eye"));
}

#[test]
fn a_pipe_separated_file_gets_delimiter_advice() {
    let wd = Workdir::new();
    wd.write("in.csv", "id|title|abstract\n1|Asthma|lungs\n");
    let run = wd.run(&["code", "in.csv"]).fails(2);
    assert!(run.stderr.contains("--delimiter '|'"), "{}", run.stderr);
}

/// A tiny UKHRA gold file: ids, text and one health category each with its percent.
fn ukhra_gold(rows: &[(&str, &str, &str, &str, &str)]) -> String {
    let mut s = String::from("id,title,abstract,HC_1,HC_1%,HC_2,HC_2%,RA_1,RA_1%\n");
    for (id, hc1, p1, hc2, p2) in rows {
        s.push_str(&format!(
            "{id},Title {id},Text,{hc1},{p1},{hc2},{p2},2.1,100\n"
        ));
    }
    s
}

#[test]
fn eval_refuses_predictions_with_repeated_ids_naming_their_lines() {
    let wd = Workdir::new();
    wd.write(
        "gold.csv",
        ukhra_gold(&[
            ("A1", "Cancer", "100", "", ""),
            ("A2", "Oral", "100", "", ""),
        ]),
    );
    // A1 is predicted twice, once right and once wrong: the score must not depend on which wins.
    wd.write(
        "pred.csv",
        "id,hc,rac\nA1,Cancer:100,2.1:100\nA2,Oral:100,2.1:100\nA1,Stroke:100,2.1:100\n",
    );
    let run = wd.run(&["eval", "gold.csv", "--pred", "pred.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("pred.csv: id \"A1\" is predicted 2 times, at lines 2, 4"),
        "{}",
        run.stderr
    );
    let run = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--skip-bad-gold",
            "--format",
            "json",
        ])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["excluded"]["bad_gold"], 1);
    assert_eq!(v["evaluated"], 1);
    assert_eq!(v["metrics"]["hc_exact"], 1.0);
}

#[test]
fn eval_refuses_gold_with_repeated_ids() {
    let wd = Workdir::new();
    wd.write(
        "gold.csv",
        ukhra_gold(&[
            ("A1", "Cancer", "100", "", ""),
            ("A2", "Oral", "100", "", ""),
            ("A1", "Stroke", "100", "", ""),
        ]),
    );
    wd.write(
        "pred.csv",
        "id,hc,rac\nA1,Cancer:100,2.1:100\nA2,Oral:100,2.1:100\n",
    );
    let run = wd.run(&["eval", "gold.csv", "--pred", "pred.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("gold.csv: id \"A1\" is given 2 times, at lines 2, 4"),
        "{}",
        run.stderr
    );
}

#[test]
fn eval_refuses_gold_percentages_that_do_not_add_up_to_100() {
    let wd = Workdir::new();
    // Excel percent cells: 0.5 means 50 %; and a row adding up to 130.
    wd.write(
        "gold.csv",
        ukhra_gold(&[
            ("A1", "Cancer", "0.5", "Oral", "0.5"),
            ("A2", "Oral", "80", "Stroke", "50"),
            ("A3", "Stroke", "100", "", ""),
        ]),
    );
    wd.write(
        "pred.csv",
        "id,hc,rac\nA1,Cancer:50;Oral:50,2.1:100\nA2,Oral:100,2.1:100\nA3,Stroke:100,2.1:100\n",
    );
    let run = wd.run(&["eval", "gold.csv", "--pred", "pred.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("gold.csv:2: column HC_1%..HC_2%: percentages add up to 1, not 100 (fractions such as 0.5 for 50 %? write 50)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("gold.csv:3: column HC_1%..HC_2%: percentages add up to 130, not 100"),
        "{}",
        run.stderr
    );
    let run = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--skip-bad-gold",
            "--format",
            "json",
        ])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["excluded"]["bad_gold"], 2);
    assert_eq!(v["evaluated"], 1);
    assert_eq!(v["rows"], 3);
}
