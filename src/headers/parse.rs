//! Header-list parsing for the CORS checks.

/// STUB
pub fn is_token(s: &[u8]) -> bool {
    todo!("{s:?}")
}
/// STUB
pub fn split_comma_list(value: &[u8]) -> Vec<Vec<u8>> {
    todo!("{value:?}")
}
/// STUB
pub fn parse_token_list<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Option<Vec<String>> {
    let _ = values.into_iter();
    todo!()
}
