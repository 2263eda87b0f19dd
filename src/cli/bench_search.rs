//! The search part of `xinfang bench`: index build time and memory, and per-keystroke latency
//! while typing a script of queries one character at a time, narrowing as the console does.

use anyhow::Result;
use std::time::{Duration, Instant};
use xinfang::app::searching::narrows;
use xinfang::domain::Role;
use xinfang::search;
use xinfang::store::Store;

/// Queries typed one character at a time: Chinese, pinyin, id fragments, field filters,
/// negation, OR.
pub const SCRIPT: &[&str] = &[
    "zw 金凤 !工资",
    "zhangwei",
    "工资",
    "拖欠农民工工资",
    "NX-2026-00012",
    "jinfeng",
    "status:overdue region:6401",
    "cat:工资 flag:backlog",
    "逾期 !花园",
    "^NX-2025",
    "物业 | 集资",
    "ma 西吉",
];

fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? / 1024)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn run(store: &dyn Store, today: chrono::NaiveDate) -> Result<()> {
    let before = resident_mib();
    let started = Instant::now();
    let (index, _) = search::build(store, Role::Supervisor, "64", &mut |_| {})?;
    let build = started.elapsed();
    let after = resident_mib();
    let mut all = Vec::new();
    let mut rows = Vec::new();
    for query in SCRIPT {
        let chars: Vec<char> = query.chars().collect();
        let mut previous: Option<(String, Vec<u32>)> = None;
        let mut times = Vec::new();
        let mut total = 0;
        for end in 1..=chars.len() {
            let typed: String = chars[..end].iter().collect();
            let input = typed.trim().to_string();
            let Ok(parsed) = search::parse(&input) else {
                continue;
            };
            if parsed.is_empty() {
                continue;
            }
            let within = match &previous {
                Some((text, matched)) if narrows(text, &input) => Some(matched.as_slice()),
                _ => None,
            };
            let t = Instant::now();
            let results = index.search(&parsed, today, 200, within);
            let elapsed = t.elapsed();
            times.push(elapsed);
            total = results.total;
            previous = Some((input, results.matched));
        }
        all.extend(times.iter().copied());
        times.sort();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        let worst = times.last().copied().unwrap_or_default();
        rows.push((query, times.len(), median, worst, total));
    }
    all.sort();
    let pick = |p: f64| {
        all.get(((all.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    println!();
    println!("Search on {} cases:", index.len());
    println!();
    println!("| what | result | budget |");
    println!("|---|---|---|");
    println!(
        "| index build | {:.2} s | (in the background; the console is usable meanwhile) |",
        build.as_secs_f64()
    );
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "| index memory (resident growth while building) | {} MiB | ≤ 400 MB for the whole console |",
            a.saturating_sub(b)
        );
    }
    println!(
        "| per keystroke, {} keystrokes, median | {:.2} ms | ≤ 50 ms |",
        all.len(),
        ms(pick(0.5))
    );
    println!(
        "| per keystroke, p95 | {:.2} ms | ≤ 100 ms |",
        ms(pick(0.95))
    );
    println!();
    println!("| query typed | keystrokes | median | slowest | matches |");
    println!("|---|---|---|---|---|");
    for (query, n, median, worst, total) in rows {
        println!(
            "| `{query}` | {n} | {:.2} ms | {:.2} ms | {total} |",
            ms(median),
            ms(worst)
        );
    }
    saved_queues(store, &index, today)
}

/// A saved search queue (`ctrl-s`) as the console loads it: the query resolved against the index
/// (its newest 10,000 matches), then its count and its first page from the store.
fn saved_queues(store: &dyn Store, index: &search::Index, today: chrono::NaiveDate) -> Result<()> {
    use xinfang::store::{Filter, Scope, Sort, SortKey};
    let scope = Scope {
        region: "64".into(),
        user: "bench".into(),
        today,
    };
    let sort = Sort {
        key: SortKey::Received,
        descending: true,
    };
    println!();
    println!("A saved search as a queue (resolve, count, first page; 5 runs each):");
    println!();
    println!(
        "| query | cases in the queue | median | slowest | of which the search (median) | budget |"
    );
    println!("|---|---|---|---|---|---|");
    for query in SCRIPT {
        let filter = Filter::Search((*query).to_string());
        let mut times = Vec::new();
        let mut searching = Vec::new();
        let mut cases = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let resolved = search::resolve(&filter, index, today, index.viewer());
            searching.push(t.elapsed());
            let counts = store.counts(std::slice::from_ref(&resolved), &scope)?;
            store.page(&resolved, sort, &scope, None, 100)?;
            times.push(t.elapsed());
            cases = counts.first().copied().unwrap_or(0);
        }
        times.sort();
        searching.sort();
        println!(
            "| `{query}` | {cases} | {:.2} ms | {:.2} ms | {:.2} ms | ≤ 100 ms |",
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1]),
            ms(searching[searching.len() / 2])
        );
    }
    Ok(())
}
