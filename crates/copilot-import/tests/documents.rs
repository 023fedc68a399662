//! Product documents from Markdown and text files.

mod common;

use common::write;
use copilot_import::{import_documents, ImportError};

#[test]
fn code_title_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "WM01.md",
        "\u{feff}# 示例理财（WM01）\r\n\r\n正文\r\n",
    );
    let b = write(
        dir.path(),
        "wm01--prospectus.md",
        "intro\r\n\r\n## Fees ##\r\nx",
    );
    let (gbk, _, _) = encoding_rs::GBK.encode("费率说明\n管理费率 0.30%/年\n");
    let c = write(dir.path(), "BF01--费率.txt", &gbk);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("# English\nbody".encode_utf16().flat_map(u16::to_le_bytes));
    let d = write(dir.path(), "EQ03.markdown", utf16);

    let docs = import_documents(&[a, b, c, d]).unwrap();
    assert_eq!(docs.len(), 4);
    assert_eq!(docs[0].product_code, "WM01");
    assert_eq!(docs[0].document_id, "WM01/WM01.md");
    assert_eq!(docs[0].title, "示例理财（WM01）");
    assert_eq!(docs[0].text, "# 示例理财（WM01）\n\n正文\n");
    assert_eq!(docs[1].product_code, "WM01");
    assert_eq!(docs[1].document_id, "WM01/wm01--prospectus.md");
    assert_eq!(docs[1].title, "Fees");
    // Plain text: the title is the file name; GBK is decoded.
    assert_eq!(docs[2].product_code, "BF01");
    assert_eq!(docs[2].title, "BF01--费率.txt");
    assert!(docs[2].text.contains("管理费率 0.30%/年"));
    assert_eq!(docs[3].title, "English");
}

#[test]
fn bad_documents_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write(dir.path(), "WM01.pdf", "%PDF");
    assert!(matches!(
        import_documents(&[pdf]),
        Err(ImportError::UnsupportedFormat { .. })
    ));

    let empty = write(dir.path(), "WM02.md", " \n\n");
    assert!(matches!(
        import_documents(&[empty]),
        Err(ImportError::Empty { .. })
    ));

    let bad_name = write(dir.path(), "产品说明.md", "# x");
    match import_documents(&[bad_name]) {
        Err(ImportError::Invalid { errors, .. }) => {
            assert_eq!(errors[0].row, 0);
            assert!(errors[0]
                .to_string()
                .starts_with("产品说明.md: the file name"));
        }
        other => panic!("expected Invalid, got {other:?}"),
    }

    let sub = dir.path().join("other");
    std::fs::create_dir(&sub).unwrap();
    let one = write(dir.path(), "WM03.md", "# a");
    let two = write(&sub, "WM03.md", "# b");
    assert!(matches!(
        import_documents(&[one, two]),
        Err(ImportError::Invalid { .. })
    ));

    let missing = dir.path().join("WM09.md");
    assert!(matches!(
        import_documents(&[missing]),
        Err(ImportError::Io { .. })
    ));
}
