//! Referrer policy.

/// STUB
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReferrerPolicy {
    /// STUB
    #[default]
    StrictOriginWhenCrossOrigin,
}
