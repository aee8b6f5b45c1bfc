//! The CORS check.
use crate::errors::CorsError;
use crate::origin::Origin;

/// STUB
pub fn cors_check(
    acao: Option<&[u8]>,
    acac: Option<&[u8]>,
    origin: &Origin,
    credentials_include: bool,
) -> Result<(), CorsError> {
    todo!("{acao:?}{acac:?}{origin}{credentials_include}")
}
