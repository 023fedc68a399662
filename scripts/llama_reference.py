#!/usr/bin/env python3
"""Produce llama.cpp reference outputs for a GGUF model (tokenization + greedy decoding).

What it produces
----------------
A JSON file used by the copilot-llm tests to check our own candle-based GGUF
runtime against llama.cpp (through the llama-cpp-python bindings):

    {
      "model_file": "<basename of the GGUF>",
      "model_sha256": "<sha256 of the GGUF file>",
      "llama_cpp_python_version": "<llama_cpp.__version__>",
      "prompt_mode": "chat" | "completion",
      "add_bos": <tokenizer.ggml.add_bos_token from the GGUF, used for the greedy prompts>,
      "bos_token_id": ..., "eos_token_id": ...,
      "tokenize": [{"text": "...", "ids": [...]}, ...],
      "greedy": [{"prompt": "...", "prompt_ids": [...], "n_predict": 32,
                  "ids": [...], "text": "...", "eos_positions": [...],
                  "top2_margins": [...]}, ...]
    }

* "tokenize": llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
  for a fixed list of strings (English, numbers, dates, Chinese, emoji,
  whitespace runs, newlines, ChatML markup, leading spaces, apostrophes ...).
  BOS is never added here, whatever the model's metadata says.
* "greedy": each prompt is tokenized with special=True and add_bos taken from
  the GGUF's tokenizer.ggml.add_bos_token (SmolLM2: false; Gemma 3: true, so
  its prompt_ids start with BOS). Then exactly n_predict tokens are produced by
  plain argmax over the last position's logits (llm.eval, then numpy.argmax
  over llama_get_logits_ith(ctx, -1); llm.scores is NOT filled by llm.eval
  when logits_all=False): no sampler, no temperature, no top-k/top-p, no
  repeat penalty, no randomness. Generation does NOT stop at EOS: if EOS is produced it is fed
  back like any other token, and its positions are listed in "eos_positions".
  "top2_margins" is, per step, the logit gap between the chosen token and the
  runner-up (small values flag near-ties where a tiny numeric difference in
  another runtime may legitimately flip the choice). "text" is the
  detokenized continuation (informational only).
* prompt_mode "chat" wraps each question in SmolLM2's ChatML template
  (<|im_start|>system ... <|im_start|>assistant\\n); "completion" uses plain
  text prompts (for base models such as Gemma 3 270M). "auto" (default) picks
  "chat" when the model's vocabulary has <|im_start|>, else "completion".

The Llama object is created with n_ctx=2048, n_threads=2, logits_all=False,
verbose=False, seed=0.

How to re-run
-------------
    pip install llama-cpp-python==0.3.36     # builds llama.cpp from source
    python3 scripts/llama_reference.py MODEL.gguf OUT.json [--mode auto|chat|completion] [--n-predict 32]

e.g.
    python3 scripts/llama_reference.py models/SmolLM2-135M-Instruct.Q4_1.gguf \\
        crates/copilot-llm/tests/fixtures/llama_cpp_reference_smollm2.json
    python3 scripts/llama_reference.py models/gemma-3-270m-Q4_K_M.gguf \\
        crates/copilot-llm/tests/fixtures/llama_cpp_reference_gemma3.json
"""

import argparse
import hashlib
import json
import os
import sys

import numpy as np
import llama_cpp
from llama_cpp import Llama

TOKENIZE_TEXTS = [
    # English sentences
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "What is a bond fund?",
    "Diversification reduces unsystematic risk in a portfolio.",
    "Please summarize my asset allocation and suggest rebalancing steps.",
    "ETFs, mutual funds and REITs are all pooled investment vehicles.",
    "HELLO WORLD in UPPERCASE and CamelCaseIdentifiers",
    # numbers, dates, percentages, money
    "1,234.56",
    "2024-01-05",
    "0.30%",
    "1234567890",
    "3.14159265358979",
    "$1,000,000.00 USD",
    "-42 +17 = -25",
    "Q3 2024 returns: +7.5% YoY, -1.2% QoQ",
    "¥500,000 and €1.234,56",
    # Chinese and mixed
    "客户风险等级为C3，可投资资产50万元。",
    "你好，世界！",
    "债券基金的年化收益率约为3.5%。",
    "我的投资组合包括股票、债券和现金。",
    "Portfolio组合 with 股票 60% and bonds 40%",
    "日本語のテキストとカタカナ",
    "Привет, мир! Ça va? naïve café",
    # emoji
    "📈 Stocks are up 🚀",
    "👍🏽 ok 👨‍👩‍👧‍👦 family",
    "💰💰💰",
    # whitespace runs, tabs, newlines
    "a  b   c    d",
    "        eight leading spaces",
    "trailing spaces   ",
    "tab\tseparated\tvalues",
    "line one\nline two\n\nline four",
    "\n\n\n",
    "windows\r\nline endings\r\n",
    " ",
    "   ",
    # leading space variants
    " Hello",
    "  Hello",
    " 123",
    # apostrophes and contractions
    "it's, we'll",
    "I'm sure they'd've known; don't you think? You're right, it isn't.",
    "O'Brien's portfolio",
    # chat markup / special tokens
    "<|im_start|>user\nHello<|im_end|>\n",
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is a bond fund?<|im_end|>\n<|im_start|>assistant\n",
    "<|endoftext|>",
    "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n",
    # code / punctuation / urls
    "fn main() { println!(\"hi\"); }",
    "https://example.com/path?query=1&x=y",
    "user@example.com",
    "...!!!???---___***",
    "{\"ticker\": \"AAPL\", \"qty\": 10, \"price\": 189.25}",
]

CHAT_SYSTEM = "You are a helpful assistant."
CHAT_QUESTIONS = [
    (CHAT_SYSTEM, "What is a bond fund?"),
    (CHAT_SYSTEM, "I am 35, have a moderate risk tolerance and 500,000 in savings. "
                  "How should I split it between stocks, bonds and cash?"),
    (CHAT_SYSTEM, "Explain the difference between an ETF and a mutual fund in two sentences."),
    ("You are a careful wealth advisor. Answer briefly.",
     "客户风险等级为C3，可投资资产50万元。请给出资产配置建议。"),
    (CHAT_SYSTEM, "What is 12 times 7?"),
]

COMPLETION_PROMPTS = [
    "The meaning to life and the universe is",
    "A bond fund is",
    "To diversify an investment portfolio, an investor should",
    "The capital of France is",
    "客户风险等级为C3，可投资资产50万元。",
    "Q: What is 12 times 7?\nA:",
]


def chatml(system, user):
    return (f"<|im_start|>system\n{system}<|im_end|>\n"
            f"<|im_start|>user\n{user}<|im_end|>\n"
            f"<|im_start|>assistant\n")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def meta_bool(metadata, key, default):
    v = metadata.get(key)
    if v is None:
        return default
    return str(v).strip().lower() in ("true", "1")


def last_logits(llm):
    """Logits of the last evaluated position, copied out of the llama context.

    Note: with logits_all=False, llama-cpp-python >= 0.3.x no longer copies
    logits into llm.scores during llm.eval (they stay zero), so we read them
    straight from llama.cpp with llama_get_logits_ith(ctx, -1).
    """
    ptr = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
    if not ptr:
        raise RuntimeError("llama_get_logits_ith returned NULL")
    arr = np.ctypeslib.as_array(ptr, shape=(llm.n_vocab(),))
    logits = np.array(arr, dtype=np.float32, copy=True)
    if not np.isfinite(logits).all() or not logits.any():
        raise RuntimeError("logits are all zero or non-finite")
    return logits


def greedy(llm, prompt_ids, n_predict, eos_id):
    llm.reset()
    llm.eval(prompt_ids)
    out, margins, eos_positions = [], [], []
    for step in range(n_predict):
        logits = last_logits(llm)
        tok = int(np.argmax(logits))  # first index on exact ties
        top2 = np.partition(logits, -2)[-2:]
        margins.append(round(float(top2[1] - top2[0]), 5))
        out.append(tok)
        if tok == eos_id:
            eos_positions.append(step)
        if step + 1 < n_predict:
            llm.eval([tok])
    return out, margins, eos_positions


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--mode", choices=["auto", "chat", "completion"], default="auto")
    ap.add_argument("--n-predict", type=int, default=32)
    args = ap.parse_args()

    llm = Llama(model_path=args.model, n_ctx=2048, n_threads=2,
                logits_all=False, verbose=False, seed=0)
    md = llm.metadata
    add_bos = meta_bool(md, "tokenizer.ggml.add_bos_token", True)
    bos_id = llm.token_bos()
    eos_id = llm.token_eos()

    mode = args.mode
    if mode == "auto":
        probe = llm.tokenize(b"<|im_start|>", add_bos=False, special=True)
        mode = "chat" if len(probe) == 1 else "completion"

    tok_entries = []
    for text in TOKENIZE_TEXTS:
        ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        tok_entries.append({"text": text, "ids": [int(i) for i in ids]})

    if mode == "chat":
        prompts = [chatml(s, u) for s, u in CHAT_QUESTIONS]
    else:
        prompts = list(COMPLETION_PROMPTS)

    greedy_entries = []
    for prompt in prompts:
        pids = [int(i) for i in llm.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)]
        ids, margins, eos_pos = greedy(llm, pids, args.n_predict, eos_id)
        text = llm.detokenize(ids, special=True).decode("utf-8", errors="replace")
        entry = {"prompt": prompt, "prompt_ids": pids, "n_predict": args.n_predict,
                 "ids": ids, "text": text, "eos_positions": eos_pos,
                 "top2_margins": margins}
        greedy_entries.append(entry)
        print(f"[{len(pids)} prompt tokens] {prompt!r}\n  -> {text!r}"
              + (f"  (EOS at {eos_pos})" if eos_pos else ""), file=sys.stderr)

    result = {
        "model_file": os.path.basename(args.model),
        "model_sha256": sha256_file(args.model),
        "llama_cpp_python_version": llama_cpp.__version__,
        "generator": "scripts/llama_reference.py",
        "llama_params": {"n_ctx": 2048, "n_threads": 2, "logits_all": False, "seed": 0},
        "prompt_mode": mode,
        "add_bos": add_bos,
        "bos_token_id": int(bos_id),
        "eos_token_id": int(eos_id),
        "tokenize_params": {"add_bos": False, "special": True},
        "greedy_params": {"add_bos": add_bos, "special": True, "decoding": "argmax",
                          "temperature": 0, "top_k": 1, "repeat_penalty": 1.0,
                          "stop_at_eos": False},
        "tokenize": tok_entries,
        "greedy": greedy_entries,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {args.out}: {len(tok_entries)} tokenize cases, {len(greedy_entries)} greedy cases",
          file=sys.stderr)


if __name__ == "__main__":
    main()
