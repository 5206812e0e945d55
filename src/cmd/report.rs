//! `hrcs report`: one self-contained HTML file with what a coded portfolio funds (tables and bar
//! charts by health category and research activity group, counts and funding) and the review
//! queue (flagged awards with their codes, reasons and text, evidence highlighted).

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cmd::summary::{read_coded, summaries, CodedFile, CodedRow, Labels};
use crate::estimate::{Corrected, Correction};
use crate::hrcs::split::format_percent;
use crate::hrcs::Labels as L;
use crate::summary::{format_minor_units, Dimension, Line, Summary};

pub const ABOUT: &str =
    "Write a self-contained HTML report of a coded file: summary, charts and the review queue";

pub const EXAMPLES: &str = "\
Examples:
  hrcs code awards.csv --keep -o coded.csv
  hrcs report coded.csv --amount AwardAmount -o report.html
  hrcs report coded.csv --labels nb --max-review 50 -o rapport.html

The file needs nothing else to open: no network, no scripts, no external styles or fonts. It
prints on A4. The review queue lists the flagged awards with the lowest confidence first, up to
--max-review of them (the count of the rest is given), so a report on 100,000 awards stays small.
Titles and abstracts appear when the coded file carries them (hrcs code --keep).";

#[derive(Debug, Args)]
#[command(about = ABOUT, after_help = EXAMPLES)]
pub struct ReportArgs {
    /// Coded file written by `hrcs code` (CSV, wide layout; `-` for standard input)
    pub coded: String,
    /// The HTML file to write
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Column with each award's funding (pass it through with `hrcs code --keep`)
    #[arg(long, value_name = "COL")]
    pub amount: Option<String>,
    /// Language of the whole report: English, Norwegian bokmål or nynorsk
    #[arg(long, value_enum, default_value_t = Labels::En)]
    pub labels: Labels,
    /// At most this many flagged awards in the review queue
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub max_review: usize,
    /// Lexicon set named in the provenance (the one the file was coded with; default: embedded)
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// Date shown in the provenance (default: today, UTC)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// A hand-coded review sample (`hrcs sample`): corrected shares drawn as error bars
    #[arg(long, value_name = "SAMPLE")]
    pub checked: Option<String>,
}

pub fn run(args: ReportArgs) -> Result<()> {
    let file = read_coded(&args.coded, args.amount.as_deref(), None)?;
    let checked = crate::cmd::summary::checked(&file, args.checked.as_deref())?;
    let lexicon = crate::cmd::code::load_lexicon(args.lexicons.as_deref())?;
    let provenance = Provenance {
        tool: format!("hrcs {}", env!("CARGO_PKG_VERSION")),
        lexicon: format!("{} (sha256 {})", lexicon.label(), lexicon.hash),
        input: file.name.clone(),
        date: args.date.clone().unwrap_or_else(today),
    };
    let html = render(
        &file,
        &provenance,
        args.labels,
        args.max_review,
        checked.as_ref().map(|c| &c.correction),
    );
    crate::output::write_whole(Some(&args.output), html.as_bytes())
}

pub struct Provenance {
    pub tool: String,
    pub lexicon: String,
    pub input: String,
    pub date: String,
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Digits grouped in threes with thin spaces for reading ("43 232 800.50"); CSV output keeps
/// plain numbers.
fn group_digits(n: &str) -> String {
    let (sign, rest) = n.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", n));
    let (whole, frac) = rest
        .split_once('.')
        .map(|(w, f)| (w, Some(f)))
        .unwrap_or((rest, None));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// The report's words in one language: every heading, legend, table head and note.
struct Words {
    html_title: &'static str,
    heading: &'static str,
    coded_with: &'static str,
    awards: &'static str,
    total_funding: &'static str,
    flagged: &'static str,
    hc: &'static str,
    groups: &'static str,
    racs: &'static str,
    legend_funding: &'static str,
    legend_equivalents: &'static str,
    legend_awards: &'static str,
    what_money: &'static str,
    what_count: &'static str,
    labelled: &'static str,
    award_one: &'static str,
    award_many: &'static str,
    th_code: &'static str,
    th_name: &'static str,
    th_awards: &'static str,
    th_flagged: &'static str,
    th_funding: &'static str,
    th_equivalents: &'static str,
    th_share: &'static str,
    review: &'static str,
    /// "{total} ... {shown} ...": filled by [`fill`].
    review_intro: &'static str,
    review_rest: &'static str,
    no_title: &'static str,
    confidence: &'static str,
    line: &'static str,
    evidence: &'static str,
    provenance: &'static str,
    p_input: &'static str,
    p_tool: &'static str,
    p_lexicon: &'static str,
    p_date: &'static str,
    p_amounts: &'static str,
    amounts_column: &'static str,
    amounts_none: &'static str,
    note: &'static str,
    chart: &'static str,
    /// Before the corrected share in a bar's label: "(12.5%; corrected 11.8%, 9.1–14.5)".
    corrected: &'static str,
    /// Decimal separator of numbers ("1 073,6" in Norwegian).
    decimal: char,
}

const EN: Words = Words {
    html_title: "HRCS report",
    heading: "HRCS portfolio report",
    coded_with: "coded with the UKCRC Health Research Classification System",
    awards: "Awards",
    total_funding: "Total funding",
    flagged: "Flagged for review",
    hc: "Health categories",
    groups: "Research activity groups",
    racs: "Research activity codes",
    legend_funding: "funding (apportioned)",
    legend_equivalents: "award equivalents (apportioned)",
    legend_awards: "awards with the code",
    what_money: "funding and awards",
    what_count: "awards (apportioned) and awards (any share)",
    labelled: "every bar is labelled with its value",
    award_one: "award",
    award_many: "awards",
    th_code: "code",
    th_name: "name",
    th_awards: "awards",
    th_flagged: "flagged",
    th_funding: "funding",
    th_equivalents: "award equivalents",
    th_share: "share %",
    review: "Review queue",
    review_intro: "{total} award(s) flagged for review; {shown} shown, lowest confidence first.",
    review_rest: " The other {rest} are in the coded file (column <code>review</code>).",
    no_title: "(no title)",
    confidence: "confidence",
    line: "line",
    evidence: "evidence",
    provenance: "Provenance",
    p_input: "input",
    p_tool: "tool",
    p_lexicon: "lexicon set",
    p_date: "date",
    p_amounts: "amounts",
    amounts_column: "column",
    amounts_none: "none: each award counts as one",
    note: "Percentages split each award's amount exactly between its codes; each table is rounded \
           once, the remainder to the largest lines, so every table adds up exactly to the total.",
    chart: "bar chart",
    corrected: "corrected",
    decimal: '.',
};

const NB: Words = Words {
    html_title: "HRCS-rapport",
    heading: "HRCS-rapport for porteføljen",
    coded_with: "kodet med UKCRC Health Research Classification System (HRCS)",
    awards: "Prosjekter",
    total_funding: "Samlet finansiering",
    flagged: "Merket for gjennomgang",
    hc: "Helsekategorier",
    groups: "Forskningsaktivitetsgrupper",
    racs: "Forskningsaktivitetskoder",
    legend_funding: "finansiering (fordelt)",
    legend_equivalents: "prosjektekvivalenter (fordelt)",
    legend_awards: "prosjekter med koden",
    what_money: "finansiering og prosjekter",
    what_count: "prosjekter (fordelt) og prosjekter (med en andel)",
    labelled: "hver stolpe er merket med verdien sin",
    award_one: "prosjekt",
    award_many: "prosjekter",
    th_code: "kode",
    th_name: "navn",
    th_awards: "prosjekter",
    th_flagged: "merket",
    th_funding: "finansiering",
    th_equivalents: "prosjektekvivalenter",
    th_share: "andel %",
    review: "Til gjennomgang",
    review_intro:
        "{total} prosjekt(er) merket for gjennomgang; {shown} vist, lavest konfidens først.",
    review_rest: " De øvrige {rest} står i den kodede filen (kolonnen <code>review</code>).",
    no_title: "(ingen tittel)",
    confidence: "konfidens",
    line: "linje",
    evidence: "grunnlag",
    provenance: "Opphav",
    p_input: "inndata",
    p_tool: "verktøy",
    p_lexicon: "leksikonsett",
    p_date: "dato",
    p_amounts: "beløp",
    amounts_column: "kolonnen",
    amounts_none: "ingen: hvert prosjekt teller som ett",
    note: "Prosentene fordeler hvert prosjekts beløp mellom kodene i hele enheter, med resten til \
           de største andelene, slik at hver tabell summerer nøyaktig til totalen.",
    chart: "stolpediagram",
    corrected: "korrigert",
    decimal: ',',
};

const NN: Words = Words {
    html_title: "HRCS-rapport",
    heading: "HRCS-rapport for porteføljen",
    coded_with: "koda med UKCRC Health Research Classification System (HRCS)",
    awards: "Prosjekt",
    total_funding: "Samla finansiering",
    flagged: "Merkt for gjennomgang",
    hc: "Helsekategoriar",
    groups: "Forskingsaktivitetsgrupper",
    racs: "Forskingsaktivitetskodar",
    legend_funding: "finansiering (fordelt)",
    legend_equivalents: "prosjektekvivalentar (fordelt)",
    legend_awards: "prosjekt med koden",
    what_money: "finansiering og prosjekt",
    what_count: "prosjekt (fordelt) og prosjekt (med ein del)",
    labelled: "kvar stolpe er merkt med verdien sin",
    award_one: "prosjekt",
    award_many: "prosjekt",
    th_code: "kode",
    th_name: "namn",
    th_awards: "prosjekt",
    th_flagged: "merkte",
    th_funding: "finansiering",
    th_equivalents: "prosjektekvivalentar",
    th_share: "del %",
    review: "Til gjennomgang",
    review_intro: "{total} prosjekt merkte for gjennomgang; {shown} viste, lågast konfidens først.",
    review_rest: " Dei andre {rest} står i den koda fila (kolonnen <code>review</code>).",
    no_title: "(ingen tittel)",
    confidence: "konfidens",
    line: "linje",
    evidence: "grunnlag",
    provenance: "Opphav",
    p_input: "inndata",
    p_tool: "verktøy",
    p_lexicon: "leksikonsett",
    p_date: "dato",
    p_amounts: "beløp",
    amounts_column: "kolonnen",
    amounts_none: "ingen: kvart prosjekt tel som eitt",
    note: "Prosentane fordeler beløpet til kvart prosjekt mellom kodane i heile einingar, med \
           resten til dei største delane, slik at kvar tabell summerer nøyaktig til totalen.",
    chart: "stolpediagram",
    corrected: "korrigert",
    decimal: ',',
};

fn words(labels: Labels) -> &'static Words {
    match labels {
        L::En => &EN,
        L::Nb => &NB,
        L::Nn => &NN,
    }
}

/// A number in the report's language: "1234.5" becomes "1 234,5" in Norwegian.
fn number(w: &Words, n: &str) -> String {
    group_digits(n).replace('.', &w.decimal.to_string())
}

/// Fills `{name}` slots of a sentence.
fn fill(template: &str, slots: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in slots {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Okabe-Ito colours: distinguishable with every common colour-vision deficiency; every bar also
/// carries its value as text.
const FUNDING: &str = "#0072B2";
const AWARDS: &str = "#E69F00";

const STYLE: &str = r#"
:root { --ink: #1a1a1a; --muted: #555; --rule: #ccc; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--ink); padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
.lead { color: var(--muted); margin-top: 0; }
.totals { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
.total { border: 1px solid var(--rule); border-radius: 4px; padding: 0.5rem 0.8rem; min-width: 9rem; }
.total b { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.5rem 0 1rem; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid var(--ink); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.chart { width: 100%; height: auto; }
.chart text { font-size: 11px; fill: var(--ink); }
.legend span { display: inline-block; margin-right: 1.2rem; font-size: 0.85rem; }
.swatch { display: inline-block; width: 0.9rem; height: 0.9rem; vertical-align: -0.1rem; margin-right: 0.3rem; }
.award { border: 1px solid var(--rule); border-radius: 4px; padding: 0.6rem 0.8rem; margin: 0.8rem 0;
  break-inside: avoid; page-break-inside: avoid; }
.award h3 { margin: 0 0 0.3rem; }
.meta { font-size: 0.85rem; color: var(--muted); margin: 0.2rem 0; }
.codes { font-size: 0.9rem; margin: 0.2rem 0; }
.reason { display: inline-block; border: 1px solid var(--ink); border-radius: 3px; padding: 0 0.3rem;
  margin-right: 0.3rem; font-size: 0.8rem; }
.text { font-size: 0.9rem; margin: 0.4rem 0 0; }
mark { background: #F0E442; color: inherit; padding: 0 0.1rem; font-weight: 600; }
footer { margin-top: 2rem; font-size: 0.8rem; color: var(--muted); }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .chart, table { break-inside: avoid; page-break-inside: avoid; }
  mark { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The report as one HTML document, every word in the language of `labels`.
pub fn render(
    file: &CodedFile,
    p: &Provenance,
    labels: Labels,
    max_review: usize,
    correction: Option<&Correction>,
) -> String {
    let w = words(labels);
    let (s, _) = summaries(file);
    let money = file.amount_column.is_some();
    let amount = |units: i64| number(w, &format_minor_units(units, file.decimals));
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        labels.code(),
        w.html_title,
        esc(&p.input)
    );
    let _ = write!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"lead\">{} {}</p>\n",
        w.heading,
        esc(&p.input),
        w.coded_with
    );
    let _ = write!(h, "<div class=\"totals\">");
    let _ = write!(
        h,
        "<div class=\"total\">{}<b id=\"total-awards\">{}</b></div>",
        w.awards, s.awards
    );
    if let Some(col) = &file.amount_column {
        let _ = write!(
            h,
            "<div class=\"total\">{} ({})<b id=\"total-amount\">{}</b></div>",
            w.total_funding,
            esc(col),
            amount(s.total)
        );
    }
    let _ = write!(
        h,
        "<div class=\"total\">{}<b id=\"total-flagged\">{}</b></div></div>\n</header>\n",
        w.flagged, s.flagged
    );
    let ew = crate::estimate::words(labels.norwegian());
    let note = match correction {
        Some(c) => format!("{} {}", ew.corrected_from(c), ew.error_bars),
        None => ew.uncorrected.to_string(),
    };
    let _ = writeln!(
        h,
        "<p class=\"legend\" id=\"correction\">{}</p>",
        esc(&note)
    );

    for (d, title) in [(Dimension::Hc, w.hc), (Dimension::RacGroup, w.groups)] {
        let lines: Vec<&Line> = s.lines.iter().filter(|l| l.dimension == d).collect();
        let _ = writeln!(h, "<section>\n<h2>{title}</h2>");
        let what = if money { w.what_money } else { w.what_count };
        let _ = writeln!(
            h,
            "<p class=\"legend\"><span><span class=\"swatch\" style=\"background:{FUNDING}\"></span>{}</span>\
             <span><span class=\"swatch\" style=\"background:{AWARDS}\"></span>{}</span> \
             ({what}; {})</p>",
            if money { w.legend_funding } else { w.legend_equivalents },
            w.legend_awards,
            w.labelled
        );
        h.push_str(&chart(&lines, &s, labels, &amount, correction));
        h.push_str(&summary_table(&lines, labels, money, &amount));
        h.push_str("</section>\n");
    }
    let rac: Vec<&Line> = s
        .lines
        .iter()
        .filter(|l| l.dimension == Dimension::Rac && l.awards > 0)
        .collect();
    let _ = writeln!(h, "<section>\n<h2>{}</h2>", w.racs);
    h.push_str(&summary_table(&rac, labels, money, &amount));
    h.push_str("</section>\n");

    h.push_str(&review_queue(file, max_review, w));

    let _ = write!(
        h,
        "<footer>\n<h2>{}</h2>\n<table id=\"provenance\">\
         <tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr></table>\n\
         <p>{}</p>\n</footer>\n</body>\n</html>\n",
        w.provenance,
        w.p_input,
        esc(&p.input),
        w.p_tool,
        esc(&p.tool),
        w.p_lexicon,
        esc(&p.lexicon),
        w.p_date,
        esc(&p.date),
        w.p_amounts,
        match &file.amount_column {
            Some(c) => format!("{} {}", w.amounts_column, esc(c)),
            None => w.amounts_none.into(),
        },
        w.note
    );
    h
}

/// A horizontal bar chart in inline SVG: two bars per code (apportioned amount, awards), each
/// with its value written beside it. Codes with no awards are left out.
fn chart(
    lines: &[&Line],
    s: &Summary,
    labels: Labels,
    amount: &dyn Fn(i64) -> String,
    correction: Option<&Correction>,
) -> String {
    let w = words(labels);
    let shown: Vec<&&Line> = lines.iter().filter(|l| l.awards > 0).collect();
    let max_amount = shown.iter().map(|l| l.amount).max().unwrap_or(0).max(1) as f64;
    let max_awards = shown.iter().map(|l| l.awards).max().unwrap_or(0).max(1) as f64;
    let (label_w, bar_w, row_h) = (300.0, 380.0, 30.0);
    let height = row_h * shown.len() as f64 + 10.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 860 {height}\" role=\"img\" aria-label=\"{}\">",
        w.chart
    );
    for (i, l) in shown.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let name = match l.dimension {
            Dimension::Hc => l.name(labels),
            _ => format!("{} {}", l.code(), l.name(labels)),
        };
        let name = if name.chars().count() > 46 {
            format!("{}…", name.chars().take(45).collect::<String>())
        } else {
            name
        };
        let wa = bar_w * l.amount as f64 / max_amount;
        let wn = bar_w * l.awards as f64 / max_awards;
        let corrected = correction.and_then(|c| c.get(l.dimension, l.index));
        // "(12.5%)" in English, "(12,5 %)" in Norwegian.
        let space = if w.decimal == ',' { " " } else { "" };
        let pct = |x: f64| number(w, &format!("{x:.1}"));
        let share = match corrected {
            Some(c) if s.total > 0 => format!(
                " ({}{space}%; {} {}{space}%, {}–{})",
                number(w, &format_percent(l.share)),
                w.corrected,
                pct(c.share),
                pct(c.low),
                pct(c.high)
            ),
            _ if s.total > 0 => format!(" ({}{space}%)", number(w, &format_percent(l.share))),
            _ => String::new(),
        };
        if let Some(c) = corrected {
            svg.push_str(&error_bar(c, s.total, max_amount, label_w, bar_w, y));
        }
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.1}\">{}</text>\
             <rect x=\"{label_w}\" y=\"{:.1}\" width=\"{wa:.1}\" height=\"11\" fill=\"{FUNDING}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}{}</text>\
             <rect x=\"{label_w}\" y=\"{:.1}\" width=\"{wn:.1}\" height=\"11\" fill=\"{AWARDS}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{} {}</text>",
            y + 15.0,
            esc(&name),
            y + 1.0,
            label_w + wa + 4.0,
            y + 10.5,
            esc(&amount(l.amount)),
            share,
            y + 13.0,
            label_w + wn + 4.0,
            y + 22.5,
            l.awards,
            if l.awards == 1 {
                w.award_one
            } else {
                w.award_many
            }
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// An error bar over a funding bar: a tick at the corrected share and whiskers over its 95 %
/// interval, on the funding bar's scale.
fn error_bar(c: &Corrected, total: i64, max_amount: f64, x0: f64, width: f64, y: f64) -> String {
    let x = |pct: f64| x0 + width * (pct / 100.0 * total as f64 / max_amount).min(1.2);
    let (lo, mid, hi) = (x(c.low), x(c.share), x(c.high));
    format!(
        "<g class=\"error-bar\" stroke=\"#111\" stroke-width=\"1.5\">\
         <line x1=\"{lo:.1}\" y1=\"{:.1}\" x2=\"{hi:.1}\" y2=\"{:.1}\"/>\
         <line x1=\"{lo:.1}\" y1=\"{:.1}\" x2=\"{lo:.1}\" y2=\"{:.1}\"/>\
         <line x1=\"{hi:.1}\" y1=\"{:.1}\" x2=\"{hi:.1}\" y2=\"{:.1}\"/>\
         <line x1=\"{mid:.1}\" y1=\"{:.1}\" x2=\"{mid:.1}\" y2=\"{:.1}\" stroke-width=\"3\"/></g>",
        y + 6.5,
        y + 6.5,
        y + 2.5,
        y + 10.5,
        y + 2.5,
        y + 10.5,
        y,
        y + 13.0
    )
}

fn summary_table(
    lines: &[&Line],
    labels: Labels,
    money: bool,
    amount: &dyn Fn(i64) -> String,
) -> String {
    let w = words(labels);
    let mut t = String::new();
    let head = if money {
        w.th_funding
    } else {
        w.th_equivalents
    };
    let _ = write!(
        t,
        "<table><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th>\
         <th class=\"n\">{}</th><th class=\"n\">{head}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        w.th_code, w.th_name, w.th_awards, w.th_flagged, w.th_share
    );
    for l in lines {
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&l.code()),
            esc(&l.name(labels)),
            l.awards,
            l.flagged,
            esc(&amount(l.amount)),
            number(w, &format_percent(l.share))
        );
    }
    t.push_str("</tbody></table>\n");
    t
}

/// The flagged awards, lowest confidence first, capped.
fn review_queue(file: &CodedFile, max: usize, w: &Words) -> String {
    let mut flagged: Vec<&CodedRow> = file.rows.iter().filter(|r| r.award.flagged).collect();
    let conf = |r: &CodedRow| -> f64 {
        let a: f64 = r.hc_confidence.parse().unwrap_or(0.0);
        let b: f64 = r.rac_confidence.parse().unwrap_or(0.0);
        a.min(b)
    };
    // Stable: equal confidence keeps file order.
    flagged.sort_by(|a, b| conf(a).total_cmp(&conf(b)));
    let total = flagged.len();
    let mut h = String::new();
    let _ = writeln!(h, "<section id=\"review\">\n<h2>{}</h2>", w.review);
    let rest = if total > max {
        fill(w.review_rest, &[("rest", (total - max).to_string())])
    } else {
        String::new()
    };
    let _ = writeln!(
        h,
        "<p>{}{rest}</p>",
        fill(
            w.review_intro,
            &[
                ("total", total.to_string()),
                ("shown", total.min(max).to_string())
            ]
        )
    );
    for r in flagged.into_iter().take(max) {
        let terms = evidence_terms(&r.evidence);
        let title = if r.title.is_empty() {
            w.no_title.to_string()
        } else {
            highlight(&r.title, &terms)
        };
        let _ = write!(
            h,
            "<article class=\"award\"><h3>{} · {}</h3>",
            esc(&r.award.id),
            title
        );
        // Codes, reasons and evidence stay the stable tokens of the coded file; confidences
        // are numbers in the report's language.
        let _ = write!(
            h,
            "<p class=\"codes\"><b>HC</b> {} <span class=\"meta\">({} {})</span> · <b>RAC</b> {} \
             <span class=\"meta\">({} {})</span></p>",
            esc(&r.hc_cell.replace(';', "; ")),
            w.confidence,
            esc(&number(w, &r.hc_confidence)),
            esc(&r.rac_cell.replace(';', "; ")),
            w.confidence,
            esc(&number(w, &r.rac_confidence))
        );
        let _ = write!(h, "<p class=\"meta\">");
        for reason in r.reasons.split(';').filter(|x| !x.is_empty()) {
            let _ = write!(h, "<span class=\"reason\">{}</span>", esc(reason));
        }
        let _ = write!(h, " {} {}</p>", w.line, r.line);
        if !r.evidence.is_empty() {
            let _ = write!(
                h,
                "<p class=\"meta\">{}: {}</p>",
                w.evidence,
                esc(&r.evidence)
            );
        }
        if !r.text.is_empty() {
            let text: String = if r.text.chars().count() > 4000 {
                format!("{}…", r.text.chars().take(4000).collect::<String>())
            } else {
                r.text.clone()
            };
            let _ = write!(h, "<p class=\"text\">{}</p>", highlight(&text, &terms));
        }
        h.push_str("</article>\n");
    }
    h.push_str("</section>\n");
    h
}

/// The matched words listed in an evidence cell ("Cancer: lung cancer x2 (title), tumour; 6.1:
/// chemotherapy"), without counts, markers, rules and row errors.
fn evidence_terms(evidence: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in evidence.split("; ") {
        let Some((code, terms)) = part.split_once(": ") else {
            continue;
        };
        if code == "rule" || code.starts_with("row error") {
            continue;
        }
        for t in terms.split(", ") {
            let t = t.trim().trim_end_matches(" (title)");
            let t = match t.rsplit_once(" x") {
                Some((w, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => w,
                _ => t,
            };
            // A match inside a longer word shows as "word (entry)": mark the written word; a
            // coordination's conjunct ("hjerte-") without its hyphen.
            let t = match t.split_once(" (") {
                Some((word, entry)) if entry.ends_with(')') && !word.contains(' ') => {
                    word.trim_end_matches('-')
                }
                _ => t,
            };
            if t.starts_with('+') && t.ends_with("more") || t.chars().count() < 2 {
                continue;
            }
            if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// The text, HTML-escaped, with every whole-word occurrence of the terms (any case) in <mark>.
fn highlight(text: &str, terms: &[String]) -> String {
    if terms.is_empty() {
        return esc(text);
    }
    let mut sorted: Vec<&String> = terms.iter().collect();
    sorted.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let pattern = format!(
        r"(?i)\b(?:{})(?:s|es|'s|’s)?\b",
        sorted
            .iter()
            .map(|t| regex::escape(t).replace(' ', r"[\s\-]+"))
            .collect::<Vec<_>>()
            .join("|")
    );
    let Ok(re) = regex::RegexBuilder::new(&pattern)
        .size_limit(1 << 22)
        .build()
    else {
        return esc(text);
    };
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for m in re.find_iter(text) {
        out.push_str(&esc(&text[last..m.start()]));
        out.push_str("<mark>");
        out.push_str(&esc(m.as_str()));
        out.push_str("</mark>");
        last = m.end();
    }
    out.push_str(&esc(&text[last..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_terms_drop_counts_markers_and_rules() {
        let t = evidence_terms(
            "Cancer: lung cancer x2 (title), tumour, +3 more; 6.1: phase ii; rule: no research activity evidence: default 2.1",
        );
        assert_eq!(t, ["lung cancer", "tumour", "phase ii"]);
        // Word forms: the written word is marked, not the entry.
        let t = evidence_terms(
            "Cancer: brystkreftpasienter (brystkreft) x2 (title), bryst- (brystkreft)",
        );
        assert_eq!(t, ["brystkreftpasienter", "bryst"]);
    }

    #[test]
    fn highlight_marks_whole_words_and_escapes() {
        let h = highlight(
            "Lung-cancer <b> & tumours; lung cancer",
            &["lung cancer".into(), "tumour".into()],
        );
        assert_eq!(
            h,
            "<mark>Lung-cancer</mark> &lt;b&gt; &amp; <mark>tumours</mark>; <mark>lung cancer</mark>"
        );
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits("43232800"), "43\u{2009}232\u{2009}800");
        assert_eq!(group_digits("1234.50"), "1\u{2009}234.50");
        assert_eq!(group_digits("999"), "999");
    }

    #[test]
    fn dates_are_civil() {
        assert!(today().len() == 10);
    }
}
