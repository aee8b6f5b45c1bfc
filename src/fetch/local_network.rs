//! The Local Network Access check of each hop
//! (<https://wicg.github.io/local-network-access/#private-network-access-check>), called by
//! main fetch before a hop and by HTTP fetch after a preflight.

use url::Url;

use crate::errors::CorsError;
use crate::origin::{Origin, is_url_potentially_trustworthy};
use crate::policy::{AddressSpace, LnaDecision, LnaDenial, LnaInput, local_network_access_check};
use crate::trace::Notice;

use super::{Failure, FetchState, local_network_failure};

/// The space `url` reaches: the one given for its origin, else the host's own.
fn address_space_of(state: &FetchState<'_>, url: &Url) -> AddressSpace {
    // Most browsers are given no address spaces: skip building the origin.
    let given = &state.ctx.address_spaces;
    (!given.is_empty())
        .then(|| given.get(&Origin::from_url(url)).copied())
        .flatten()
        .unwrap_or_else(|| {
            url.host()
                .map_or(AddressSpace::Public, |h| AddressSpace::of_url_host(&h))
        })
}

/// Which part of the Local Network Access check a call makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LnaStep {
    /// The target address space, then the permission: a hop without a preflight.
    Full,
    /// The permission only: before a hop's CORS preflight.
    PermissionOnly,
    /// The target address space only: before the request itself, after its preflight.
    TargetOnly,
}

/// The Local Network Access check for this hop, before anything goes on the wire
/// (<https://wicg.github.io/local-network-access/#private-network-access-check>). The
/// decision is [`local_network_access_check`]'s; this records it and turns a denial into
/// a failure with Chromium's console line (naming both URLs after a redirect). Not subject
/// to [`Enforcement`]: it is not the CORS check.
///
/// CHROMIUM: from a secure page, a request to the page's own origin is not checked at
/// all, whatever its `targetAddressSpace` (observed:
/// examples/generated/lna-same-origin-exempt.toml; the same target on another public
/// origin is a mismatch); from a plain-http page it is checked like any other
/// (observed: examples/generated/lna-same-origin-insecure.toml).
///
/// CHROMIUM: a host the transport knows nothing answers at is not checked: Chromium
/// checks once connected, and that request fails before.
///
/// CHROMIUM: when the hop sends a CORS preflight, the preflight is checked without the
/// request's `targetAddressSpace` (only the permission for the space it reaches), and the
/// target is compared only before the request itself ([`LnaStep`]; observed:
/// examples/generated/lna-preflight-order.toml).
pub(crate) fn local_network_access(
    state: &mut FetchState<'_>,
    url: &Url,
    step: LnaStep,
) -> Result<(), Failure> {
    if state.origin.is_same_origin_url(url) && is_url_potentially_trustworthy(state.page_url) {
        return Ok(());
    }
    // CHROMIUM: the check is made once the connection knows the server's address, so a
    // host nothing answers at fails first, as a network error without this line
    // (observed: examples/probing-localhost.toml, fetch #3). Only a host the transport
    // knows to be unreachable is skipped; on a real network the check stays first.
    if state.ctx.transport.known_unreachable(url) {
        return Ok(());
    }
    let page_space = address_space_of(state, state.page_url);
    let target_space = address_space_of(state, url);
    let permission = {
        let given = state
            .ctx
            .network_permissions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // Most browsers are given none: skip building the key.
        (!given.is_empty())
            .then(|| given.get(&(state.origin.clone(), target_space)).copied())
            .flatten()
            .unwrap_or_default()
    };
    let input = LnaInput {
        page_space,
        // A profile without the insecure-context rule judges every page by its
        // permission, as a secure one.
        page_secure: is_url_potentially_trustworthy(state.page_url)
            || !state.ctx.profile.local_network_denies_insecure_pages,
        target_space,
        requested: match step {
            LnaStep::Full | LnaStep::TargetOnly => state.target_address_space,
            LnaStep::PermissionOnly => None,
        },
        permission,
    };
    let decision = match local_network_access_check(&input) {
        LnaDecision::Denied(d @ LnaDenial::TargetMismatch { .. }) => LnaDecision::Denied(d),
        _ if step == LnaStep::TargetOnly => return Ok(()),
        d => d,
    };
    match decision {
        LnaDecision::NotGated => Ok(()),
        LnaDecision::Allowed => {
            state.trace.note(Notice::LocalNetworkGranted {
                page_space,
                target_space,
            });
            Ok(())
        }
        LnaDecision::Denied(denial) => {
            state.trace.note(Notice::LocalNetworkBlocked {
                page_space,
                target_space,
                permission,
                denial,
            });
            let e = match denial {
                LnaDenial::TargetMismatch { requested, actual } => {
                    CorsError::InvalidPrivateNetworkAccess { requested, actual }
                }
                LnaDenial::InsecureContext(s) => CorsError::InsecurePrivateNetwork(s),
                LnaDenial::PermissionDenied(s, _) => {
                    CorsError::LocalNetworkAccessPermissionDenied(s)
                }
            };
            Err(local_network_failure(state, e))
        }
    }
}
