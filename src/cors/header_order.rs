//! The order in which Chromium checks a request's CORS-unsafe header names against a
//! preflight answer, and so which refused header its console line names.
//!
//! CHROMIUM (observed, examples/generated/refused-header-order*.toml: 57 crafted fetches,
//! 22 of them predicted before they were run): the network service walks the request's
//! header vector and names the first name the preflight does not allow. That vector is
//! built by iterating Blink's `HTTPHeaderMap`, a WTF hash table keyed by the case-folded
//! name, into which the renderer inserted the request's header list (a map sorted
//! case-insensitively), then `Accept` when script set none, then the low-entropy client
//! hints when they are sent. So the order is the table's slot order:
//!
//! - hash: rapidhash (the public algorithm, default seed and secrets) over the name's
//!   ASCII-lowercased UTF-16LE code units, keeping the low 24 bits (0 becomes 0x80_0000);
//! - table: power-of-two size, 8 at first, doubled (re-inserting in slot order) once
//!   the entries reach half the size; slot `hash & (size - 1)`, then on collision the
//!   k-th probe adds k (quadratic probing).
//!
//! The Fetch Standard leaves the choice to the implementation (the CORS-unsafe names
//! are sorted for `Access-Control-Request-Headers`, and any refused one fails the fetch).

/// Reads `N` bytes at `at` as a little-endian integer.
fn le(data: &[u8], at: usize, n: usize) -> u64 {
    data[at..at + n]
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// The 128-bit product of `a` and `b`, as (low, high).
fn multiply(a: u64, b: u64) -> (u64, u64) {
    let p = u128::from(a) * u128::from(b);
    (p as u64, (p >> 64) as u64)
}

/// rapidhash's mixing step: the xor of the two halves of the product.
fn fold(a: u64, b: u64) -> u64 {
    let (lo, hi) = multiply(a, b);
    lo ^ hi
}

const SECRET: [u64; 3] = [
    0x2d35_8dcc_aa6c_78a5,
    0x8bb8_4b93_962e_acc9,
    0x4b33_a62e_d433_d4a3,
];
const SEED: u64 = 0xbdd8_9aa9_8270_4029;

/// rapidhash (version 1) of `data` with the default seed.
fn rapidhash(data: &[u8]) -> u64 {
    let len = data.len();
    let n = len as u64;
    let mut seed = SEED ^ fold(SEED ^ SECRET[0], SECRET[1]) ^ n;
    let (a, b) = if len <= 16 {
        if len >= 4 {
            let shift = (len & 24) >> (len >> 3);
            (
                (le(data, 0, 4) << 32) | le(data, len - 4, 4),
                (le(data, shift, 4) << 32) | le(data, len - 4 - shift, 4),
            )
        } else if len > 0 {
            (
                (u64::from(data[0]) << 56)
                    | (u64::from(data[len >> 1]) << 32)
                    | u64::from(data[len - 1]),
                0,
            )
        } else {
            (0, 0)
        }
    } else {
        let mut rest = len;
        if rest > 48 {
            let (mut s1, mut s2) = (seed, seed);
            while rest >= 48 {
                let at = len - rest;
                seed = fold(le(data, at, 8) ^ SECRET[0], le(data, at + 8, 8) ^ seed);
                s1 = fold(le(data, at + 16, 8) ^ SECRET[1], le(data, at + 24, 8) ^ s1);
                s2 = fold(le(data, at + 32, 8) ^ SECRET[2], le(data, at + 40, 8) ^ s2);
                rest -= 48;
            }
            seed ^= s1 ^ s2;
        }
        if rest > 16 {
            let at = len - rest;
            seed = fold(
                le(data, at, 8) ^ SECRET[2],
                le(data, at + 8, 8) ^ seed ^ SECRET[1],
            );
            if rest > 32 {
                seed = fold(
                    le(data, at + 16, 8) ^ SECRET[2],
                    le(data, at + 24, 8) ^ seed,
                );
            }
        }
        (le(data, len - 16, 8), le(data, len - 8, 8))
    };
    let (lo, hi) = multiply(a ^ SECRET[1], b ^ seed);
    fold(lo ^ SECRET[0] ^ n, hi ^ SECRET[1])
}

/// The hash Blink's case-folding header table gives `name` (24 bits, never 0).
fn case_folded_hash(name: &str) -> u32 {
    let units: Vec<u8> = name
        .chars()
        .flat_map(|c| {
            let unit = c.to_ascii_lowercase() as u32 as u16;
            unit.to_le_bytes()
        })
        .collect();
    match (rapidhash(&units) & 0x00ff_ffff) as u32 {
        0 => 0x0080_0000,
        h => h,
    }
}

/// Puts `name` into `table` (open addressing with quadratic probing) unless a name
/// equal to it ignoring ASCII case is there; `true` when it was added.
fn insert(table: &mut [Option<String>], name: &str) -> bool {
    let mask = table.len() - 1;
    let mut slot = case_folded_hash(name) as usize & mask;
    let mut probe = 0;
    while let Some(there) = &table[slot] {
        if there.eq_ignore_ascii_case(name) {
            return false;
        }
        probe += 1;
        slot = (slot + probe) & mask;
    }
    table[slot] = Some(name.to_string());
    true
}

/// The iteration order of Blink's header table after inserting `names` in that order.
fn table_order<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut table: Vec<Option<String>> = vec![None; 8];
    let mut count = 0;
    for name in names {
        if insert(&mut table, name) {
            count += 1;
        }
        if count * 2 >= table.len() {
            let grown = vec![None; table.len() * 2];
            let old = std::mem::replace(&mut table, grown);
            for n in old.into_iter().flatten() {
                insert(&mut table, &n);
            }
        }
    }
    table.into_iter().flatten().collect()
}

/// `unsafe_names` (lower-case) reordered as Chromium checks them: in the slot order of
/// Blink's header table holding `request_names` (every header name of the request's
/// header list), then `added` (names the renderer adds after them, e.g. `accept` and the
/// client hints), inserted in that order.
///
/// ```
/// use fetchguard::cors::chromium_check_order;
/// let names = vec!["x-alpha".to_string(), "x-zeta".to_string()];
/// // Observed in Chromium 156: x-zeta is named, whatever order script set them in.
/// let order = chromium_check_order(&names, &names, &["accept"]);
/// assert_eq!(order, vec!["x-zeta".to_string(), "x-alpha".to_string()]);
/// ```
pub fn chromium_check_order(
    unsafe_names: &[String],
    request_names: &[String],
    added: &[&str],
) -> Vec<String> {
    let mut sorted: Vec<String> = request_names
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    sorted.sort();
    let order = table_order(
        sorted
            .iter()
            .map(String::as_str)
            .chain(added.iter().copied()),
    );
    let mut out: Vec<String> = order
        .into_iter()
        .filter(|n| unsafe_names.iter().any(|u| u.eq_ignore_ascii_case(n)))
        .collect();
    // A name the table does not hold (not expected) keeps its place at the end.
    for u in unsafe_names {
        if !out.iter().any(|n| n.eq_ignore_ascii_case(u)) {
            out.push(u.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rapidhash v1 with its default seed, on inputs of every length class (values
    /// computed with an independent implementation of the published algorithm).
    #[test]
    fn hash_values() {
        let cases: [(&str, u32); 11] = [
            ("a", 0xcf2685),
            ("ab", 0x6ecb20),
            ("x-a", 0x3c604d),
            ("x-custom", 0x484ee1),
            ("authorization", 0xb67284),
            ("X-Long-Header-Name", 0x0ca381),
            ("content-type", 0x7cd99b),
            ("x-test-header-a-long-one", 0x40be3d),
            ("abcdefghijklmnopqrstuvwxy", 0xd3265e),
            ("access-control-request-headers-x", 0x7448b8),
            (
                "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789",
                0x8d6df7,
            ),
        ];
        for (name, want) in cases {
            assert_eq!(case_folded_hash(name), want, "{name}");
        }
    }

    /// Every observed choice of Chromium 156 (examples/generated/refused-header-order*.toml
    /// and the first probes): (names set by script, hints sent, the name Chromium named).
    #[test]
    fn observed_first_refused() {
        let hints = [
            "accept",
            "sec-ch-ua",
            "sec-ch-ua-mobile",
            "sec-ch-ua-platform",
        ];
        let cases: &[(&[&str], bool, &str)] = &[
            (&["x-um", "x-etfdj", "x-f", "x-rhff"], true, "x-f"),
            (
                &["x-xgmguy", "x-oaedape", "x-snwxfck", "x-rhsp"],
                true,
                "x-rhsp",
            ),
            (
                &["x-qtixjqw", "x-hmchp", "x-htlxfz", "x-yxgwccs", "x-kmjfzpw"],
                true,
                "x-htlxfz",
            ),
            (
                &["x-dhag", "x-hgjslqmr", "x-amuyvms", "x-c", "x-qsxw"],
                true,
                "x-c",
            ),
            (
                &["x-aejqmxbj", "x-e", "x-qb", "x-iezxk", "x-wis", "x-qgkxd"],
                true,
                "x-qb",
            ),
            (
                &[
                    "x-xehah",
                    "x-erxxr",
                    "x-kgmnf",
                    "x-eefqpd",
                    "x-exvsmefy",
                    "x-pru",
                ],
                true,
                "x-pru",
            ),
            (
                &[
                    "x-afjd", "x-n", "x-hoag", "x-udm", "x-wumwt", "x-dxsczf", "x-biozpr",
                ],
                true,
                "x-n",
            ),
            (
                &[
                    "x-c",
                    "x-zqz",
                    "x-wfsxi",
                    "x-q",
                    "x-ksx",
                    "x-otywpzd",
                    "x-sqdxxi",
                ],
                true,
                "x-c",
            ),
            (
                &[
                    "x-nz",
                    "x-npzld",
                    "x-vczupewx",
                    "x-teto",
                    "x-eedsfwiz",
                    "x-ym",
                    "x-oqaahf",
                    "x-bzjw",
                ],
                true,
                "x-nz",
            ),
            (
                &[
                    "x-ukvvbw",
                    "x-jml",
                    "x-uiaesrd",
                    "x-lkchpia",
                    "x-pmpfvjd",
                    "x-hpg",
                    "x-kksvzn",
                    "x-bwosk",
                ],
                true,
                "x-lkchpia",
            ),
            (
                &[
                    "x-forolwa",
                    "x-u",
                    "x-gwl",
                    "x-toru",
                    "x-zcvzs",
                    "x-gr",
                    "x-nxyuvg",
                    "x-dpvmvdbz",
                    "x-s",
                    "x-meo",
                ],
                true,
                "x-nxyuvg",
            ),
            (
                &[
                    "x-wc",
                    "x-r",
                    "x-ohka",
                    "x-nhrgujum",
                    "x-jv",
                    "x-qjqlte",
                    "x-pemnsbno",
                    "x-mtvtlg",
                    "x-diznuevm",
                    "x-ake",
                ],
                true,
                "x-diznuevm",
            ),
            (
                &[
                    "x-hhp",
                    "x-oxyjqgz",
                    "x-cfff",
                    "x-cyoyphoq",
                    "x-lyedcsm",
                    "x-zt",
                    "x-syqmlvbh",
                    "x-z",
                    "x-vcd",
                    "x-cnr",
                    "x-zjtro",
                    "x-nlzabqh",
                ],
                true,
                "x-cfff",
            ),
            (
                &[
                    "x-nnyqqxx",
                    "x-dgfn",
                    "x-csiqxfc",
                    "x-uqgua",
                    "x-arrcpszj",
                    "x-f",
                    "x-rvpsiqm",
                    "x-ta",
                    "x-vw",
                    "x-otowcjr",
                    "x-kisebz",
                    "x-fsvflppx",
                ],
                true,
                "x-ta",
            ),
            (
                &[
                    "x-uw",
                    "x-z",
                    "x-hzlgagca",
                    "x-gw",
                    "x-corjwf",
                    "x-g",
                    "x-bo",
                    "x-iuouwx",
                    "x-odqp",
                    "x-j",
                    "x-nbmgfwwt",
                    "x-rjdvu",
                    "x-rtkycd",
                    "x-kbqyst",
                    "x-v",
                    "x-xfwow",
                ],
                true,
                "x-g",
            ),
            (
                &[
                    "x-kmmpl",
                    "x-pkwt",
                    "x-rmmqky",
                    "x-je",
                    "x-xdm",
                    "x-fqmjv",
                    "x-bc",
                    "x-kfms",
                    "x-bzcsgvdc",
                    "x-fvba",
                    "x-bikp",
                    "x-ouqsx",
                    "x-t",
                    "x-lgqeqee",
                    "x-rzsyge",
                    "x-hntgkfr",
                ],
                true,
                "x-lgqeqee",
            ),
            (&["x-a", "x-b"], true, "x-a"),
            (&["x-custom", "x-other"], true, "x-custom"),
            (&["aaa", "zzz"], true, "aaa"),
            (&["x-zeta", "x-alpha"], true, "x-zeta"),
            (&["authorization", "x-custom"], true, "x-custom"),
            (&["x-1", "x-2", "x-3"], true, "x-2"),
            (&["foo", "bar", "baz", "qux"], true, "baz"),
            (&["x-long-header-name", "x-b"], true, "x-long-header-name"),
            (
                &[
                    "x-nhhbwzwax",
                    "wxnemoxwg",
                    "prbqffd",
                    "x-rbumlw",
                    "my-vxvuzzq",
                    "x-jmtyr",
                    "bhxqo",
                    "pe",
                ],
                true,
                "my-vxvuzzq",
            ),
            (
                &[
                    "x-suejxg",
                    "xln",
                    "ljpxeumem",
                    "vvhtdxeu",
                    "watmvplx",
                    "ahkxoqunl",
                    "zywwfj",
                    "x-gdzrhcz",
                    "dethdmwp",
                    "kn",
                ],
                true,
                "dethdmwp",
            ),
            (&["x-ebqs", "yoxpcpzru"], true, "yoxpcpzru"),
            (
                &["my-qdtk", "fsfqohqvq", "my-ueylskvob"],
                true,
                "my-ueylskvob",
            ),
            (
                &[
                    "qkhgupvo",
                    "kstjvcyp",
                    "usul",
                    "wcq",
                    "bsreax",
                    "my-uuhkwjrwh",
                    "lpq",
                    "nif",
                    "my-xziodok",
                    "my-smiju",
                ],
                true,
                "my-xziodok",
            ),
            (
                &["x-szda", "my-dcbhqpsdg", "x-oo", "oel", "my-mw", "lfy"],
                true,
                "x-oo",
            ),
            (
                &["zm", "ilgbbf", "my-meln", "my-eiukirp", "x-nyn"],
                true,
                "my-meln",
            ),
            (
                &["x-ghty", "suanb", "x-ukbomdcnl", "my-wyjluv", "ui"],
                true,
                "x-ghty",
            ),
            (
                &["qs", "fqy", "my-hylkcp", "be", "qoxyvfz", "uht"],
                false,
                "qoxyvfz",
            ),
            (&["rbadb", "my-sdejz"], false, "rbadb"),
            (&["x-mgdgk", "ulo"], false, "x-mgdgk"),
            (&["wkg", "x-tbrehcid"], false, "x-tbrehcid"),
            (
                &["my-lywzc", "extuohaf", "wvvdlcop", "tdztmi", "gug"],
                false,
                "my-lywzc",
            ),
            (&["twvmsxma", "x-qfc", "vp"], false, "x-qfc"),
            (
                &["nwmxcrpiq", "x-fqjwswgzi", "x-pt", "uosb", "x-tpnkavkrd"],
                true,
                "x-fqjwswgzi",
            ),
            (&["lroon", "x-fxvbeoy"], true, "x-fxvbeoy"),
            (
                &["qzipripm", "x-isdhyeigw", "my-qjkqkudj"],
                true,
                "x-isdhyeigw",
            ),
            (
                &[
                    "sjkyds",
                    "x-bk",
                    "x-qhqlf",
                    "smkdqxvse",
                    "nrbymptso",
                    "my-dwrbq",
                ],
                true,
                "x-qhqlf",
            ),
            (&["my-brggtntno", "x-if", "content-type"], true, "x-if"),
            (
                &[
                    "content-type",
                    "x-wphklazdn",
                    "dftcwzg",
                    "x-qoukjsry",
                    "ruz",
                ],
                true,
                "x-wphklazdn",
            ),
            (&["x-zphhls", "fhvfwj", "content-type"], true, "x-zphhls"),
            (
                &["x-krbamt", "tf", "content-type", "ugb", "my-xans"],
                true,
                "ugb",
            ),
        ];
        for (names, secure, want) in cases {
            let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            let added: &[&str] = if *secure { &hints } else { &hints[..1] };
            let order = chromium_check_order(&names, &names, added);
            assert_eq!(order[0], *want, "{names:?}");
        }
    }
}
