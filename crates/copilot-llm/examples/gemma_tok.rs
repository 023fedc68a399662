// Temporary diagnostic: Gemma tokenizer vs the llama.cpp reference.
use candle_core::quantized::gguf_file;
use copilot_llm::GgufTokenizer;
use std::path::Path;
fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("../../models/gemma-3-270m-Q4_K_M.gguf");
    let mut f = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    let ct = gguf_file::Content::read(&mut f).unwrap();
    for k in ["tokenizer.ggml.add_space_prefix", "tokenizer.ggml.add_bos_token", "tokenizer.ggml.pre"] {
        println!("{k}: {:?}", ct.metadata.get(k));
    }
    let t0 = std::time::Instant::now();
    let tok = GgufTokenizer::from_gguf_metadata(&ct.metadata).unwrap();
    println!("built in {:?}", t0.elapsed());
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("tests/fixtures/llama_cpp_reference_gemma3.json")).unwrap()).unwrap();
    let mut bad = 0;
    for c in r["tokenize"].as_array().unwrap() {
        let text = c["text"].as_str().unwrap();
        let want: Vec<u32> = c["ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        let got = tok.encode(text).unwrap();
        if got != want { bad += 1; println!("MISMATCH {text:?}\n  ours {got:?}\n  ref  {want:?}"); }
    }
    for g in r["greedy"].as_array().unwrap() {
        let want: Vec<u32> = g["prompt_ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        let got = tok.encode_prompt(g["prompt"].as_str().unwrap()).unwrap();
        if got != want { bad += 1; println!("PROMPT MISMATCH ours {got:?} ref {want:?}"); }
    }
    println!("{bad} mismatches");
}
