// Temporary diagnostic: teacher-forced comparison with the llama.cpp reference.
use copilot_llm::*;
use std::path::Path;
fn main() {
    let which = std::env::args().nth(1).unwrap_or("smollm2".into());
    let (file, fixture) = if which == "gemma3" {
        ("gemma-3-270m-Q4_K_M.gguf", "llama_cpp_reference_gemma3.json")
    } else {
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "llama_cpp_reference_smollm2.json")
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("../../models").join(file);
    let sha = sha256_file(&path).unwrap();
    let mut model = LocalModel::load(&path, &sha, &LoadOptions::default()).unwrap();
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("tests/fixtures").join(fixture)).unwrap()).unwrap();
    for (gi, g) in r["greedy"].as_array().unwrap().iter().enumerate() {
        let prompt: Vec<u32> = g["prompt_ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        let ids: Vec<u32> = g["ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        let margins: Vec<f64> = g["top2_margins"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let mut logits = model.forward(&prompt, 0).unwrap();
        let mut pos = prompt.len();
        let mut line = String::new();
        let mut first_bad = None;
        let mut dump: Vec<u8> = Vec::new();
        for (i, &want) in ids.iter().enumerate() {
            for v in &logits { dump.extend_from_slice(&v.to_le_bytes()); }
            let mut best = 0usize;
            for (j, v) in logits.iter().enumerate() { if *v > logits[best] { best = j; } }
            let ours_margin = logits[best] - logits[want as usize];
            if best as u32 != want && first_bad.is_none() { first_bad = Some(i); }
            line.push_str(&format!("{}{:.3}/{:.3} ", if best as u32 == want {""} else {"!"}, ours_margin, margins[i]));
            logits = model.forward(&[want], pos).unwrap();
            pos += 1;
        }
        std::fs::write(format!("/tmp/dbg/ours_{which}_{gi}.f32"), &dump).unwrap();
        println!("prompt {gi}: first mismatch {:?}\n  {line}", first_bad);
    }
}
