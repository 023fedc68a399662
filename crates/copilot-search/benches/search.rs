//! Search latency at shelf scale: 1,000 products × 10 chunks of synthetic mixed Chinese/English
//! text in an on-disk index, 1,000 queries (half with a 3-product filter).
//!
//! Run with `cargo bench -p copilot-search`. Target (PERFORMANCE.md): p99 ≤ 20 ms.

use copilot_core::ProductDocument;
use copilot_search::DocumentIndex;
use std::time::{Duration, Instant};

const PRODUCTS: usize = 1_000;
const CHUNKS_PER_PRODUCT: usize = 10;
const QUERIES: usize = 1_000;
const WARM_UP_QUERIES: usize = 50;
const LIMIT: usize = 10;
const SEED: u64 = 0x5EA2_C4B0_2026;

const ZH_WORDS: &[&str] = &[
    "管理费率",
    "赎回",
    "申购",
    "风险等级",
    "流动性",
    "锁定期",
    "净值",
    "本金",
    "收益",
    "债券",
    "股票",
    "基金",
    "理财",
    "托管费",
    "投资者",
    "市场波动",
    "信用风险",
    "利率风险",
    "开放日",
    "封闭期",
    "业绩比较基准",
    "认购费率",
    "起购金额",
    "产品合同",
    "违约",
    "分红",
    "估值",
    "到期",
    "销售机构",
    "风险承受能力",
];

const EN_WORDS: &[&str] = &[
    "management",
    "fee",
    "redemption",
    "subscription",
    "risk",
    "rating",
    "liquidity",
    "lock-up",
    "net",
    "asset",
    "value",
    "principal",
    "return",
    "bond",
    "equity",
    "fund",
    "custody",
    "investor",
    "market",
    "volatility",
    "credit",
    "interest",
    "rate",
    "dealing",
    "day",
    "term",
    "contract",
    "default",
    "dividend",
    "maturity",
];

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", 2014):
/// a seeded generator so every run indexes and queries the same text.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }
}

fn product_code(i: usize) -> String {
    format!("P{i:04}")
}

/// One paragraph of 30–49 words, well under the 600-character chunk limit.
fn paragraph(rng: &mut SplitMix64, chinese: bool) -> String {
    let words = 30 + rng.below(20);
    let mut text = String::new();
    for w in 0..words {
        if chinese {
            text.push_str(rng.pick(ZH_WORDS));
            text.push_str(if w % 6 == 5 { "，" } else { "" });
        } else {
            if w > 0 {
                text.push(' ');
            }
            text.push_str(rng.pick(EN_WORDS));
            if w % 10 == 9 {
                text.push('.');
            }
        }
    }
    text.push_str(if chinese { "。" } else { "." });
    text
}

fn documents(rng: &mut SplitMix64) -> Vec<ProductDocument> {
    (0..PRODUCTS)
        .map(|i| {
            let code = product_code(i);
            let chinese = i % 3 != 0;
            let text = (0..CHUNKS_PER_PRODUCT)
                .map(|_| paragraph(rng, chinese))
                .collect::<Vec<_>>()
                .join("\n\n");
            ProductDocument {
                document_id: format!("{code}/{code}.md"),
                product_code: code.clone(),
                file_name: format!("{code}.md"),
                title: code,
                text,
            }
        })
        .collect()
}

struct BenchQuery {
    text: String,
    filter: Option<Vec<String>>,
}

fn queries(rng: &mut SplitMix64, count: usize) -> Vec<BenchQuery> {
    (0..count)
        .map(|q| {
            let chinese = rng.below(3) != 0;
            let words = 1 + rng.below(3);
            let text = (0..words)
                .map(|_| rng.pick(if chinese { ZH_WORDS } else { EN_WORDS }))
                .collect::<Vec<_>>()
                .join(if chinese { "" } else { " " });
            let filter =
                (q % 2 == 1).then(|| (0..3).map(|_| product_code(rng.below(PRODUCTS))).collect());
            BenchQuery { text, filter }
        })
        .collect()
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// Nearest-rank percentile of sorted latencies.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    millis(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn report(label: &str, mut latencies: Vec<Duration>) {
    latencies.sort_unstable();
    println!(
        "{label:<16} n={:<5} p50 {:7.3} ms   p95 {:7.3} ms   p99 {:7.3} ms   max {:7.3} ms",
        latencies.len(),
        percentile(&latencies, 50.0),
        percentile(&latencies, 95.0),
        percentile(&latencies, 99.0),
        millis(*latencies.last().expect("latencies")),
    );
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|model| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("copilot-search benchmark");
    println!("machine: {} ({threads} hardware threads)", cpu_model());

    // The shared jieba dictionary loads on first use; time it apart from the index figures.
    let started = Instant::now();
    copilot_search::load_dictionary();
    println!(
        "jieba dictionary load (once per process): {:.1} ms",
        millis(started.elapsed())
    );

    let mut rng = SplitMix64(SEED);
    let docs = documents(&mut rng);
    let dir = tempfile::tempdir()?;

    let started = Instant::now();
    let mut index = DocumentIndex::open_or_create(dir.path())?;
    let open_time = started.elapsed();
    let started = Instant::now();
    let stats = index.index_documents(&docs)?;
    let build_time = started.elapsed();
    let chunks = index.num_chunks()?;
    println!(
        "index: {} documents, {} chunks ({chunks} searchable), open {:.1} ms, build + commit {:.1} ms",
        stats.documents,
        stats.chunks,
        millis(open_time),
        millis(build_time),
    );
    assert_eq!(chunks, (PRODUCTS * CHUNKS_PER_PRODUCT) as u64);

    // Reopen so the measured searches read the committed on-disk index, as the app does.
    drop(index);
    let started = Instant::now();
    let index = DocumentIndex::open_or_create(dir.path())?;
    println!(
        "reopen (includes snapshot id over all chunks): {:.1} ms",
        millis(started.elapsed())
    );

    let warm_up = queries(&mut rng, WARM_UP_QUERIES);
    for query in &warm_up {
        index.search(&query.text, query.filter.as_deref(), LIMIT)?;
    }

    let measured = queries(&mut rng, QUERIES);
    let mut all = Vec::with_capacity(QUERIES);
    let mut unfiltered = Vec::new();
    let mut filtered = Vec::new();
    let mut total_hits = 0usize;
    for query in &measured {
        let started = Instant::now();
        let hits = index.search(&query.text, query.filter.as_deref(), LIMIT)?;
        let elapsed = started.elapsed();
        total_hits += hits.len();
        all.push(elapsed);
        if query.filter.is_some() {
            filtered.push(elapsed);
        } else {
            unfiltered.push(elapsed);
        }
    }
    println!(
        "queries: {QUERIES} measured after {WARM_UP_QUERIES} warm-up, limit {LIMIT}, \
         mean hits {:.2}, single thread",
        total_hits as f64 / QUERIES as f64
    );
    report("all", all);
    report("no filter", unfiltered);
    report("3-product filter", filtered);
    Ok(())
}
