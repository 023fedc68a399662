#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cells;
mod clients;
mod columns;
mod documents;
mod error;
mod holdings;
mod products;
mod table;
mod text;

pub use cells::neutralize_formula;
pub use clients::parse_clients;
pub use columns::{ColumnNeed, ColumnSpec, TableKind};
pub use documents::import_documents;
pub use error::{ImportError, Result, RowError, MAX_LISTED_ERRORS};
pub use holdings::parse_holdings;
pub use products::parse_products;
pub use table::{read_table, CellType, Table};
pub use text::MAX_FILE_BYTES;

use columns::Columns;
use copilot_core::{ClientProfile, Currency, Holding, Product};
use std::path::Path;

/// Reads and validates a table file of the given kind, up to the column check.
fn read_checked(path: &Path, kind: TableKind) -> Result<(Table, Columns)> {
    let table = read_table(path)?;
    let columns = Columns::resolve(&table, kind).map_err(|p| p.into_import_error(path))?;
    Ok((table, columns))
}

fn invalid(path: &Path) -> impl FnOnce(Vec<RowError>) -> ImportError + '_ {
    move |errors| ImportError::Invalid {
        path: path.to_path_buf(),
        errors,
    }
}

/// Imports client profiles from a `.csv`, `.txt` or `.xlsx` file.
///
/// All rows or none: the result is every client, or an error. `default_currency` applies to
/// rows without a `currency` cell. Errors: those of [`read_table`];
/// [`ImportError::MissingColumns`] / [`ImportError::DuplicateColumn`] for the header row;
/// [`ImportError::Invalid`] with every cell and row problem of the file, by row.
pub fn import_clients(path: &Path, default_currency: Currency) -> Result<Vec<ClientProfile>> {
    let (table, columns) = read_checked(path, TableKind::Clients)?;
    clients::parse_with(&table, &columns, default_currency).map_err(invalid(path))
}

/// Imports the product shelf from a `.csv`, `.txt` or `.xlsx` file.
///
/// All rows or none; errors as for [`import_clients`].
pub fn import_products(path: &Path) -> Result<Vec<Product>> {
    let (table, columns) = read_checked(path, TableKind::Products)?;
    products::parse_with(&table, &columns).map_err(invalid(path))
}

/// Imports holdings from a `.csv`, `.txt` or `.xlsx` file.
///
/// All rows or none; errors as for [`import_clients`].
pub fn import_holdings(path: &Path) -> Result<Vec<Holding>> {
    let (table, columns) = read_checked(path, TableKind::Holdings)?;
    holdings::parse_with(&table, &columns).map_err(invalid(path))
}
