//! Chat messages and templates.
//!
//! The template is the file's own `tokenizer.chat_template` (Jinja), rendered
//! with minijinja the way Hugging Face `transformers` renders it: `trim_blocks`
//! and `lstrip_blocks` on, `add_generation_prompt = true`, `bos_token` and
//! `eos_token` set, `raise_exception(msg)` available. A file without a template
//! gets a per-architecture fallback (Gemma 3 base: plain completion text).

use std::collections::BTreeMap;

use minijinja::{Environment, Value};

use crate::error::{LlmError, Result};
use crate::tokenizer::GgufTokenizer;

/// Who wrote a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Instructions to the model.
    System,
    /// The person asking.
    User,
    /// The model's earlier answers.
    Assistant,
}

impl Role {
    /// The role's name in chat templates: `"system"`, `"user"` or `"assistant"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// Who wrote it.
    pub role: Role,
    /// The text, verbatim.
    pub content: String,
}

impl ChatMessage {
    /// A message with the given role and text.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        ChatMessage {
            role,
            content: content.into(),
        }
    }

    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(Role::System, content)
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(Role::User, content)
    }

    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(Role::Assistant, content)
    }
}

/// How a model's prompts are built from messages.
#[derive(Debug, Clone)]
pub enum ChatTemplate {
    /// A Jinja template (from the GGUF file).
    Jinja(String),
    /// No chat markup: message contents joined by a blank line, for base models
    /// that only continue text (the Gemma 3 270M file has no template).
    PlainCompletion,
}

impl ChatTemplate {
    /// The template for a file: its own when present, else the fallback for
    /// its architecture.
    ///
    /// # Errors
    /// [`LlmError::Template`] when the file has none and no fallback is known
    /// for `architecture`.
    pub fn for_model(file_template: Option<String>, architecture: &str) -> Result<Self> {
        match (file_template, architecture) {
            (Some(t), _) if !t.trim().is_empty() => Ok(ChatTemplate::Jinja(t)),
            (_, "gemma3") => Ok(ChatTemplate::PlainCompletion),
            (_, other) => Err(LlmError::Template(format!(
                "the model file has no chat template and none is known for architecture `{other}`"
            ))),
        }
    }

    /// Renders `messages` into prompt text ending with the generation prompt.
    ///
    /// # Errors
    /// [`LlmError::Template`] when a message contains the text of a control or
    /// user-defined token (which would let message content forge turn markup;
    /// the error names the message index and token id only), or when the
    /// template fails to compile or render.
    pub fn render(&self, messages: &[ChatMessage], tokenizer: &GgufTokenizer) -> Result<String> {
        for (index, message) in messages.iter().enumerate() {
            if let Some((id, at)) = tokenizer.find_special_token_text(&message.content) {
                return Err(LlmError::Template(format!(
                    "message {index} contains the text of control token {id} at byte {at}; remove it before rendering"
                )));
            }
        }
        match self {
            ChatTemplate::PlainCompletion => Ok(messages
                .iter()
                .map(|m| m.content.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")),
            ChatTemplate::Jinja(source) => render_jinja(source, messages, tokenizer),
        }
    }
}

fn token_text_or_empty(tokenizer: &GgufTokenizer, id: Option<u32>) -> String {
    id.and_then(|id| tokenizer.token_text(id))
        .unwrap_or_default()
}

fn render_jinja(
    source: &str,
    messages: &[ChatMessage],
    tokenizer: &GgufTokenizer,
) -> Result<String> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .map_err(|e| LlmError::Template(format!("syntax: {e}")))?;
    env.set_syntax(syntax);
    env.add_function(
        "raise_exception",
        |message: String| -> std::result::Result<Value, minijinja::Error> {
            Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                message,
            ))
        },
    );
    env.add_template_owned("chat", source.to_string())
        .map_err(|e| LlmError::Template(format!("cannot compile the chat template: {e}")))?;
    let template = env
        .get_template("chat")
        .map_err(|e| LlmError::Template(e.to_string()))?;

    let messages: Vec<Value> = messages
        .iter()
        .map(|m| {
            let mut map = BTreeMap::new();
            map.insert("role".to_string(), Value::from(m.role.as_str()));
            map.insert("content".to_string(), Value::from(m.content.as_str()));
            Value::from(map)
        })
        .collect();
    let mut context = BTreeMap::new();
    context.insert("messages".to_string(), Value::from(messages));
    context.insert("add_generation_prompt".to_string(), Value::from(true));
    context.insert(
        "bos_token".to_string(),
        Value::from(token_text_or_empty(tokenizer, tokenizer.bos_token_id())),
    );
    context.insert(
        "eos_token".to_string(),
        Value::from(token_text_or_empty(tokenizer, tokenizer.eos_token_id())),
    );
    template
        .render(Value::from(context))
        .map_err(|e| LlmError::Template(format!("cannot render the chat template: {e}")))
}
