//! Demo data: placeholder until the generator lands.
use app::storage::{Db, StorageError};

#[derive(Clone, Debug)]
pub struct DemoConfig { pub scale: f64, pub seed: u64 }
impl Default for DemoConfig { fn default() -> Self { DemoConfig { scale: 1.0, seed: 2011 } } }
pub async fn generate(_db: &Db, _config: &DemoConfig) -> Result<String, StorageError> { Ok(String::new()) }
