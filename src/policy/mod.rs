//! Policies beside CORS: referrer policy, fetch metadata, mixed content, address spaces, CORP/COEP. Pure functions.

pub mod address_space;
pub mod corp;
pub mod fetch_metadata;
pub mod local_network;
pub mod orb;
pub mod referrer;
pub mod wire_headers;

pub use address_space::{AddressSpace, Permission, UnknownAddressSpace};
pub use fetch_metadata::{FetchSite, sec_fetch_site, should_send_fetch_metadata};
pub use local_network::{
    LnaDecision, LnaDenial, LnaInput, TargetAddressSpace, is_gated, local_network_access_check,
};
pub use referrer::{
    MAX_REFERRER_LEN, ReferrerPolicy, UnknownReferrerPolicy, determine_referrer,
    parse_referrer_policy_header, strip_url_for_use_as_referrer,
};
