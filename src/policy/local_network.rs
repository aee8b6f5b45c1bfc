//! Local Network Access: may a page in one address space reach a resource in another?
//!
//! <https://wicg.github.io/local-network-access/#private-network-access-check>
//!
//! Pure: the caller (main fetch) supplies the page's space, whether it is a secure
//! context, the space the URL reaches, the request's `targetAddressSpace` and the
//! permission the page's origin holds for that space. Observed in Chromium 156:
//! only a `public` page reaching `local` or `loopback` is gated; the two permissions are
//! independent; an unset permission (`ask`) is a denial in headless Chromium; a
//! non-secure public page is denied whatever the permission; a `targetAddressSpace` that
//! names a space must equal the space reached, on every request, gated or not.

use std::fmt;

use super::address_space::{AddressSpace, Permission};

/// The `targetAddressSpace` member of `RequestInit`, parsed (Chromium's `IPAddressSpace`).
///
/// ```
/// use fetchguard::policy::{AddressSpace, TargetAddressSpace};
/// // CHROMIUM: 'private' is the old name of 'local'; 'unknown' asks for nothing.
/// assert_eq!(TargetAddressSpace::parse("private"), Ok(TargetAddressSpace::Space(AddressSpace::Local)));
/// assert_eq!(TargetAddressSpace::parse("unknown"), Ok(TargetAddressSpace::Unknown));
/// assert!(TargetAddressSpace::parse("nowhere").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetAddressSpace {
    /// A named space the resource must be in.
    Space(AddressSpace),
    /// `unknown`: no expectation (the same as leaving the member out).
    Unknown,
}

impl TargetAddressSpace {
    /// Parses a value as Chromium's IDL enum does; the error is the value itself.
    pub fn parse(value: &str) -> Result<TargetAddressSpace, String> {
        match value {
            "public" => Ok(TargetAddressSpace::Space(AddressSpace::Public)),
            // CHROMIUM: 'private' is accepted and means 'local' (observed: its mismatch
            // line says "target IP address space of `local`").
            "local" | "private" => Ok(TargetAddressSpace::Space(AddressSpace::Local)),
            "loopback" => Ok(TargetAddressSpace::Space(AddressSpace::Loopback)),
            // CHROMIUM: 'unknown' is valid and behaves as if the member were absent.
            "unknown" => Ok(TargetAddressSpace::Unknown),
            other => Err(other.to_string()),
        }
    }

    /// The named space, if any.
    pub fn space(&self) -> Option<AddressSpace> {
        match self {
            TargetAddressSpace::Space(s) => Some(*s),
            TargetAddressSpace::Unknown => None,
        }
    }
}

/// What [`local_network_access_check`] looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LnaInput {
    /// The page's (request client's) address space.
    pub page_space: AddressSpace,
    /// Whether the page is a secure context.
    pub page_secure: bool,
    /// The space the URL reaches.
    pub target_space: AddressSpace,
    /// The request's `targetAddressSpace`, if given.
    pub requested: Option<TargetAddressSpace>,
    /// The page origin's permission for `target_space`.
    pub permission: Permission,
}

/// The outcome of the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LnaDecision {
    /// Not a request into a more private space: nothing to ask.
    NotGated,
    /// Gated and granted: the request goes out exactly as without LNA.
    Allowed,
    /// Blocked before anything is sent.
    Denied(LnaDenial),
}

/// Why Local Network Access blocked a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LnaDenial {
    /// `targetAddressSpace` named a space other than the one reached.
    TargetMismatch {
        /// What the request said.
        requested: AddressSpace,
        /// Where the resource is.
        actual: AddressSpace,
    },
    /// A non-secure page reaching a more private space (never allowed).
    InsecureContext(AddressSpace),
    /// The permission for this space is not granted (`block`, or `ask` with no prompt).
    PermissionDenied(AddressSpace, Permission),
}

impl fmt::Display for LnaDenial {
    /// Chromium's detail sentence (after "blocked by CORS policy: ").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LnaDenial::TargetMismatch { requested, actual } => write!(
                f,
                "Request had a target IP address space of `{requested}` yet the resource is in address space `{actual}`."
            ),
            LnaDenial::InsecureContext(s) => write!(
                f,
                "The request client is not a secure context and the resource is in more-private address space `{s}`."
            ),
            LnaDenial::PermissionDenied(s, _) => write!(
                f,
                "Permission was denied for this request to access the `{s}` address space."
            ),
        }
    }
}

/// Is `target` more private than `page` in a way that LNA gates? Only a public page
/// reaching local or loopback (observed: a local page reaching loopback needs nothing).
pub fn is_gated(page: AddressSpace, target: AddressSpace) -> bool {
    page == AddressSpace::Public && target != AddressSpace::Public
}

/// The Local Network Access check for one hop (pure).
///
/// ```
/// use fetchguard::policy::{AddressSpace::*, LnaDecision, LnaDenial, LnaInput, Permission};
/// use fetchguard::policy::local_network_access_check;
/// let mut i = LnaInput { page_space: Public, page_secure: true, target_space: Loopback,
///     requested: None, permission: Permission::Ask };
/// assert_eq!(local_network_access_check(&i),
///     LnaDecision::Denied(LnaDenial::PermissionDenied(Loopback, Permission::Ask)));
/// i.permission = Permission::Allow;
/// assert_eq!(local_network_access_check(&i), LnaDecision::Allowed);
/// i.page_space = Local;
/// assert_eq!(local_network_access_check(&i), LnaDecision::NotGated);
/// ```
pub fn local_network_access_check(i: &LnaInput) -> LnaDecision {
    if let Some(requested) = i.requested.and_then(|t| t.space())
        && requested != i.target_space
    {
        return LnaDecision::Denied(LnaDenial::TargetMismatch {
            requested,
            actual: i.target_space,
        });
    }
    if !is_gated(i.page_space, i.target_space) {
        return LnaDecision::NotGated;
    }
    if !i.page_secure {
        return LnaDecision::Denied(LnaDenial::InsecureContext(i.target_space));
    }
    match i.permission {
        Permission::Allow => LnaDecision::Allowed,
        // CHROMIUM: headless cannot prompt; `ask` is denied at once.
        p => LnaDecision::Denied(LnaDenial::PermissionDenied(i.target_space, p)),
    }
}

#[cfg(test)]
mod tests {
    use super::AddressSpace::*;
    use super::*;

    fn check(
        page: AddressSpace,
        secure: bool,
        target: AddressSpace,
        requested: Option<&str>,
        permission: Permission,
    ) -> LnaDecision {
        local_network_access_check(&LnaInput {
            page_space: page,
            page_secure: secure,
            target_space: target,
            requested: requested.map(|r| TargetAddressSpace::parse(r).unwrap()),
            permission,
        })
    }

    #[test]
    fn only_public_to_more_private_is_gated() {
        use Permission::*;
        let spaces = [Public, Local, Loopback];
        for page in spaces {
            for target in spaces {
                let d = check(page, true, target, None, Block);
                let gated = page == Public && target != Public;
                assert_eq!(
                    d != LnaDecision::NotGated,
                    gated,
                    "{page} -> {target}: {d:?}"
                );
            }
        }
    }

    #[test]
    fn permissions_decide_for_a_secure_public_page() {
        use Permission::*;
        assert_eq!(
            check(Public, true, Local, None, Allow),
            LnaDecision::Allowed
        );
        for p in [Block, Ask] {
            assert_eq!(
                check(Public, true, Local, None, p),
                LnaDecision::Denied(LnaDenial::PermissionDenied(Local, p))
            );
        }
    }

    #[test]
    fn insecure_pages_never_reach_inward() {
        assert_eq!(
            check(Public, false, Loopback, None, Permission::Allow),
            LnaDecision::Denied(LnaDenial::InsecureContext(Loopback))
        );
        assert_eq!(
            check(Local, false, Loopback, None, Permission::Ask),
            LnaDecision::NotGated
        );
    }

    #[test]
    fn target_address_space_must_match_even_when_not_gated() {
        use Permission::*;
        assert_eq!(
            check(Public, true, Public, Some("local"), Allow),
            LnaDecision::Denied(LnaDenial::TargetMismatch {
                requested: Local,
                actual: Public
            })
        );
        assert_eq!(
            check(Public, true, Loopback, Some("private"), Allow),
            LnaDecision::Denied(LnaDenial::TargetMismatch {
                requested: Local,
                actual: Loopback
            })
        );
        assert_eq!(
            check(Public, true, Loopback, Some("unknown"), Ask),
            LnaDecision::Denied(LnaDenial::PermissionDenied(Loopback, Ask))
        );
        assert_eq!(
            check(Public, true, Loopback, Some("loopback"), Allow),
            LnaDecision::Allowed
        );
        assert_eq!(
            check(Public, true, Public, Some("public"), Ask),
            LnaDecision::NotGated
        );
    }

    #[test]
    fn console_details_are_chromiums() {
        assert_eq!(
            LnaDenial::PermissionDenied(Loopback, Permission::Ask).to_string(),
            "Permission was denied for this request to access the `loopback` address space."
        );
        assert_eq!(
            LnaDenial::InsecureContext(Local).to_string(),
            "The request client is not a secure context and the resource is in more-private address space `local`."
        );
    }
}
