//! The jar's unit tests.
use super::*;
use std::time::Duration;

fn u(s: &str) -> Url {
    Url::parse(s).unwrap()
}
const SAME: CookieContext = CookieContext {
    same_site: true,
    block_third_party: true,
    partition: None,
    refuse_third_party_store: false,
    first_party_for_store: true,
    lax_by_default: true,
    partitioned_requires_secure: true,
    overwrite_keeps_creation_time: false,
};
const CROSS_ALLOW: CookieContext = CookieContext {
    same_site: false,
    block_third_party: false,
    partition: None,
    refuse_third_party_store: false,
    first_party_for_store: true,
    lax_by_default: true,
    partitioned_requires_secure: true,
    overwrite_keeps_creation_time: false,
};
const CROSS_BLOCK: CookieContext = CookieContext {
    same_site: false,
    block_third_party: true,
    partition: None,
    refuse_third_party_store: false,
    first_party_for_store: true,
    lax_by_default: true,
    partitioned_requires_secure: true,
    overwrite_keeps_creation_time: false,
};

#[test]
fn unlisted_suffix_is_only_same_site_with_itself() {
    let same = |a: &str, b: &str| same_site_by_listed_suffix(&u(a), &u(b));
    assert!(same("https://app.example/", "https://app.example/x"));
    assert!(!same("https://app.example/", "https://api.app.example/"));
    assert!(same(
        "https://app.example.com/",
        "https://api.app.example.com/"
    ));
    assert!(!same(
        "https://app.example.com/",
        "https://app.example.org/"
    ));
    assert!(!same("https://app.example.com/", "http://app.example.com/"));
}

#[test]
fn block_new_refuses_cross_site_stores_but_sends_stored_cookies() {
    let ctx = CookieContext {
        same_site: false,
        block_third_party: false,
        partition: None,
        refuse_third_party_store: true,
        first_party_for_store: false,
        lax_by_default: false,
        partitioned_requires_secure: true,
        overwrite_keeps_creation_time: false,
    };
    let mut j = jar_with(&["a=1", "b=2; SameSite=Lax"]);
    let now = std::time::SystemTime::now();
    let sel = j.select(&u("https://api.example/"), &ctx, now);
    // No Lax-by-default: the cookie without SameSite goes cross-site, Lax does not.
    assert_eq!(sel.sent, ["a"]);
    let out = j.store_response(
        &u("https://api.example/"),
        &[b"c=3; SameSite=None; Secure"],
        &ctx,
        now,
    );
    assert!(out.stored.is_empty());
    assert_eq!(
        out.rejected[0].1,
        CookieRejection::CrossSite(CookieBlock::ThirdPartyBlocked)
    );
}

fn jar_with(lines: &[&str]) -> CookieJar {
    let mut j = CookieJar::new();
    for l in lines {
        j.set(&u("https://api.example/"), l, std::time::SystemTime::now())
            .unwrap();
    }
    j
}

#[test]
fn same_site_requests_carry_every_matching_cookie() {
    let j = jar_with(&["a=1", "b=2; SameSite=Strict", "c=3; SameSite=None; Secure"]);
    let s = j.select(
        &u("https://api.example/x"),
        &SAME,
        std::time::SystemTime::now(),
    );
    let mut sent = s.sent.clone();
    sent.sort();
    assert_eq!(sent, ["a", "b", "c"]);
    assert!(s.blocked.is_empty());
}

#[test]
fn a_new_value_makes_a_cookie_the_newest_and_the_same_value_keeps_its_place() {
    // Observed in Chromium 156: examples/cookie-order-and-partitioned.toml.
    let mut j = jar_with(&["a=1", "b=1", "c=1; Path=/x"]);
    let url = u("https://api.example/x");
    let now = std::time::SystemTime::now();
    let header = |j: &CookieJar| j.select(&url, &SAME, now).header.unwrap();
    assert_eq!(header(&j), "c=1; a=1; b=1");
    j.set(
        &u("https://api.example/"),
        "a=2",
        std::time::SystemTime::now(),
    )
    .unwrap();
    assert_eq!(header(&j), "c=1; b=1; a=2");
    j.set(
        &u("https://api.example/"),
        "b=1",
        std::time::SystemTime::now(),
    )
    .unwrap();
    assert_eq!(header(&j), "c=1; b=1; a=2");
}

#[test]
fn partitioned_cookies_must_be_secure() {
    let mut j = CookieJar::new();
    for url in ["https://api.example/", "http://api.example/"] {
        assert_eq!(
            j.set(&u(url), "p=1; Partitioned", std::time::SystemTime::now())
                .unwrap_err(),
            CookieRejection::PartitionedWithoutSecure
        );
    }
    j.set(
        &u("https://api.example/"),
        "q=1; Partitioned; Secure",
        std::time::SystemTime::now(),
    )
    .unwrap();
    assert_eq!(j.len(), 1);
}

#[test]
fn cross_site_requests_carry_only_samesite_none_when_allowed() {
    let j = jar_with(&["a=1", "b=2; SameSite=Lax", "c=3; SameSite=None; Secure"]);
    let now = std::time::SystemTime::now();
    let s = j.select(&u("https://api.example/x"), &CROSS_ALLOW, now);
    assert_eq!(s.sent, ["c"]);
    assert_eq!(s.header.as_deref(), Some("c=3"));
    assert_eq!(s.blocked.len(), 2);
    let b = j.select(&u("https://api.example/x"), &CROSS_BLOCK, now);
    assert!(b.header.is_none());
    assert_eq!(b.blocked.len(), 3);
    assert!(
        b.blocked
            .iter()
            .all(|(_, w)| *w == CookieBlock::ThirdPartyBlocked)
    );
}

#[test]
fn storing_follows_samesite_and_secure_rules() {
    let mut j = CookieJar::new();
    let now = std::time::SystemTime::now();
    let out = j.store_response(
        &u("https://api.example/"),
        &[b"a=1", b"b=2; SameSite=None", b"c=3; SameSite=None; Secure"],
        &CROSS_ALLOW,
        now,
    );
    assert_eq!(out.stored, ["c"]);
    assert_eq!(out.rejected.len(), 2);
    let out = j.store_response(&u("http://plain.example/"), &[b"d=4; Secure"], &SAME, now);
    assert_eq!(out.rejected[0].1, CookieRejection::SecureFromInsecureUrl);
}

#[test]
fn domain_cookies_reach_sibling_hosts_and_other_sites_never_mix() {
    let mut j = CookieJar::new();
    let now = std::time::SystemTime::now();
    j.store_response(
        &u("https://a.shop.test/"),
        &[b"d=1; Domain=shop.test", b"h=2"],
        &SAME,
        now,
    );
    for i in 0..1000 {
        let line = format!("n{i}=1");
        j.store_response(
            &u(&format!("https://s{i}.example/")),
            &[line.as_bytes()],
            &SAME,
            now,
        );
    }
    assert_eq!(j.len(), 1002);
    assert_eq!(j.select(&u("https://b.shop.test/"), &SAME, now).sent, ["d"]);
    let mut on_a = j.select(&u("https://a.shop.test/"), &SAME, now).sent;
    on_a.sort();
    assert_eq!(on_a, ["d", "h"]);
    assert_eq!(j.select(&u("https://s7.example/"), &SAME, now).sent, ["n7"]);
    // A cookie for a public suffix is never stored where another site could see it.
    j.store_response(
        &u("https://a.shop.test/"),
        &[b"tld=1; Domain=test"],
        &SAME,
        now,
    );
    assert!(
        j.select(&u("https://other.test/"), &SAME, now)
            .sent
            .is_empty()
    );
    // Save and load keep every cookie in its store: the loaded jar answers as the saved
    // one did.
    let mut json = Vec::new();
    j.save_json(&mut json).unwrap();
    let back = CookieJar::load_json(&json[..]).unwrap();
    for url in [
        "https://b.shop.test/",
        "https://other.test/",
        "https://s3.example/",
    ] {
        let mut saved = j.select(&u(url), &SAME, now).sent;
        let mut loaded = back.select(&u(url), &SAME, now).sent;
        saved.sort();
        loaded.sort();
        assert_eq!(loaded, saved, "{url}");
    }
    assert_eq!(
        back.select(&u("https://s999.example/"), &SAME, now).sent,
        ["n999"]
    );
}

#[test]
fn lifetimes_are_capped_at_400_days_without_overflow() {
    let mut j = CookieJar::new();
    let now = std::time::SystemTime::now();
    let url = u("https://a.example/");
    let day = Duration::from_secs(86_400);
    let out = j.store_response(
        &url,
        &[
            b"m=1; Max-Age=9223372036854775807",
            b"e=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT",
        ],
        &SAME,
        now,
    );
    assert_eq!(out.stored.len(), 2);
    let mut at_399 = j.select(&url, &SAME, now + day * 399).sent;
    at_399.sort();
    assert_eq!(at_399, ["e", "m"]);
    assert!(j.select(&url, &SAME, now + day * 401).sent.is_empty());
}

#[test]
fn max_age_counts_on_the_browser_clock() {
    let mut j = CookieJar::new();
    let now = std::time::SystemTime::now();
    j.store_response(&u("https://a.example/"), &[b"m=1; Max-Age=60"], &SAME, now);
    let url = u("https://a.example/");
    assert_eq!(
        j.select(&url, &SAME, now + Duration::from_secs(59)).sent,
        ["m"]
    );
    assert!(
        j.select(&url, &SAME, now + Duration::from_secs(61))
            .sent
            .is_empty()
    );
}
#[test]
fn firefox_keeps_the_creation_time_of_an_overwritten_cookie() {
    // Observed in Firefox 153: examples/cookie-order-and-partitioned-http.toml.
    let keep = CookieContext {
        overwrite_keeps_creation_time: true,
        ..SAME
    };
    let mut j = CookieJar::new();
    let url = u("https://api.example/");
    let now = std::time::SystemTime::now();
    j.store_response(&url, &[b"a=1", b"b=1"], &keep, now);
    j.store_response(&url, &[b"a=2"], &keep, now);
    assert_eq!(j.select(&url, &keep, now).header.unwrap(), "a=2; b=1");
    j.store_response(&url, &[b"a=3"], &SAME, now);
    assert_eq!(j.select(&url, &SAME, now).header.unwrap(), "b=1; a=3");
}

#[test]
fn a_partition_holds_cross_site_cookies_apart_from_first_party_ones() {
    let now = std::time::SystemTime::now();
    let url = u("https://api.example/");
    let under = |top: &str| CookieContext {
        same_site: false,
        block_third_party: false,
        partition: Some(top.to_string()),
        refuse_third_party_store: false,
        first_party_for_store: false,
        lax_by_default: false,
        partitioned_requires_secure: true,
        overwrite_keeps_creation_time: true,
    };
    let mut j = jar_with(&["first=1; SameSite=None; Secure"]);
    // A cross-site response sets `t` (no SameSite: not Lax here) in app's partition.
    let out = j.store_response(&url, &[b"t=1", b"l=1; SameSite=Lax"], &under("app"), now);
    assert_eq!(out.stored, ["t"]);
    assert_eq!(out.rejected.len(), 1);
    assert_eq!(
        j.select(&url, &under("app"), now).header.as_deref(),
        Some("t=1")
    );
    // Not under another top-level site, and not first-party.
    assert_eq!(j.select(&url, &under("shop"), now).header, None);
    assert_eq!(
        j.select(&url, &SAME, now).header.as_deref(),
        Some("first=1")
    );
    // Without the partition, a cookie lacking SameSite is Lax cross-site.
    let lax = CookieContext {
        lax_by_default: true,
        ..under("app")
    };
    assert_eq!(j.select(&url, &lax, now).header, None);
}

#[test]
fn save_and_load_keep_partitioned_cookies_in_their_partition() {
    let now = std::time::SystemTime::now();
    let in_partition = |top: &str| CookieContext {
        same_site: false,
        block_third_party: false,
        partition: Some(top.to_string()),
        ..SAME
    };
    let mut j = CookieJar::new();
    let api = u("https://api.example/");
    // A first-party cookie and one set in a third-party context under app.example.
    j.set(&api, "first=1; SameSite=None; Secure", now).unwrap();
    let out = j.store_response(
        &api,
        &[b"third=1; SameSite=None; Secure"],
        &in_partition("https://app.example"),
        now,
    );
    assert!(out.rejected.is_empty(), "{:?}", out.rejected);
    let sent = |j: &CookieJar, ctx: &CookieContext| j.select(&api, ctx, now).sent;
    assert_eq!(sent(&j, &SAME), ["first"]);
    assert_eq!(sent(&j, &in_partition("https://app.example")), ["third"]);

    let mut json = Vec::new();
    j.save_json(&mut json).unwrap();
    let back = CookieJar::load_json(&json[..]).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(sent(&back, &SAME), ["first"]);
    assert_eq!(sent(&back, &in_partition("https://app.example")), ["third"]);
    assert!(sent(&back, &in_partition("https://other.example")).is_empty());
}

#[test]
fn a_plain_cookie_store_json_array_still_loads() {
    let now = std::time::SystemTime::now();
    let mut store = cookie_store::CookieStore::default();
    store
        .parse("sid=1; Path=/", &u("https://api.example/"))
        .unwrap();
    let mut json = Vec::new();
    cookie_store::serde::json::save_incl_expired_and_nonpersistent(&store, &mut json).unwrap();
    let back = CookieJar::load_json(&json[..]).unwrap();
    assert_eq!(
        back.select(&u("https://api.example/"), &SAME, now).sent,
        ["sid"]
    );
}

#[test]
fn a_broken_jar_file_is_an_error_not_an_empty_jar() {
    for bad in [
        &b"{"[..],
        b"{\"fetchguard_cookie_jar\": 2, \"stores\": 3}",
        b"[1, 2]",
    ] {
        assert!(
            CookieJar::load_json(bad).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}
