//! Seeded generator of realistic roster files (shared by `gen-rosters` and `bench-import`).
//!
//! Organizations: municipal associations (知联会, 新联会, 网联会, 同心荟) in real cities, a
//! guided association in every real district of each city (codes from the bundled division
//! table), then street branches (`part_of`, 9-digit codes in the 街道 range 001–099) and
//! community branches (12-digit) round-robin until the count is reached. Persons: Chinese
//! names, weighted parties, titles and strata, birth years 1950–2000, a valid resident ID
//! number (GB 11643 check character, birth date and sex consistent) for one person in five.
//! Memberships: person `j % persons` in distinct organizations, started on or after the
//! organization's founding, a fifth of them ended, at most one president per organization and
//! no overlapping membership.

use std::fmt::Write as _;
use tongxin::ids::{DivisionCode, DivisionTable};

/// What to generate.
pub struct Spec {
    pub orgs: usize,
    pub persons: usize,
    pub memberships: usize,
    pub seed: u64,
}

/// The generated files (UTF-8 CSV).
pub struct Files {
    pub orgs: String,
    pub persons: String,
    pub memberships: String,
}

/// SplitMix64: small, seeded, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn weighted<'a>(&mut self, items: &'a [(&'a str, u32)]) -> &'a str {
        let total: u32 = items.iter().map(|i| i.1).sum();
        let mut x = (self.next() % u64::from(total)) as u32;
        for (v, w) in items {
            if x < *w {
                return v;
            }
            x -= w;
        }
        items[0].0
    }
}

const CITIES: [(&str, &str); 5] = [
    ("4403", "深圳市"),
    ("4401", "广州市"),
    ("3303", "温州市"),
    ("3301", "杭州市"),
    ("4419", "东莞市"),
];
const KINDS: [(&str, &str); 4] = [
    ("zhilianhui", "知联会"),
    ("xinlianhui", "新联会"),
    ("wanglianhui", "网联会"),
    ("tongxinhui", "同心荟"),
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "邓", "冯", "韩", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "志强", "海燕", "晓东",
];
const PARTIES: &[(&str, u32)] = &[
    ("non_party", 30),
    ("mass", 25),
    ("min_meng", 8),
    ("min_jin", 7),
    ("jiu_san", 7),
    ("nong_gong", 5),
    ("zhi_gong", 5),
    ("min_jian", 5),
    ("min_ge", 4),
    ("tai_meng", 1),
    ("cpc", 3),
];
const TITLES: &[(&str, u32)] = &[
    ("none", 25),
    ("junior", 15),
    ("intermediate", 30),
    ("associate_senior", 20),
    ("senior", 10),
];
const STRATA: &[(&str, u32)] = &[
    ("none", 40),
    ("private_enterprise_staff", 25),
    ("intermediary_staff", 15),
    ("freelancer", 10),
    ("new_media", 10),
];
const EDUCATION: &[&str] = &[
    "college",
    "bachelor",
    "bachelor",
    "master",
    "master",
    "doctorate",
];
const ROLES: &[(&str, u32)] = &[
    ("member", 80),
    ("council", 10),
    ("vice_president", 4),
    ("secretary_general", 2),
    ("standing_council", 4),
];

/// Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms), to avoid a
/// date dependency in the generator's hot loop.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn write_day(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
}

/// A valid 18-character resident ID number.
fn resident_id(rng: &mut Rng, counties: &[String], birth: i64, male: bool) -> String {
    let (y, m, d) = civil_from_days(birth);
    let mut seq = rng.below(500) as u32 * 2;
    if male {
        seq += 1;
    }
    let body = format!("{}{y:04}{m:02}{d:02}{seq:03}", rng.pick(counties));
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

struct Org {
    founded: i64,
    level: u8,
}

/// Generates the three files (`spec.orgs` organizations in five real cities).
pub fn generate(spec: &Spec) -> Files {
    let mut rng = Rng(spec.seed);
    let table = DivisionTable::bundled().expect("bundled division table");
    let mut orgs: Vec<Org> = Vec::with_capacity(spec.orgs);
    let mut o = String::with_capacity(spec.orgs * 110);
    o.push_str("id,parent_id,level,kind,division_code,founded,dissolved,name,relation\n");
    let start = days_from_civil(2005, 1, 1);
    let end = days_from_civil(2024, 6, 1);
    let push = |o: &mut String,
                orgs: &mut Vec<Org>,
                parent: Option<usize>,
                level: (u8, &str),
                kind: &str,
                code: &str,
                founded: i64,
                name: &str,
                part_of: bool| {
        let i = orgs.len();
        let _ = write!(o, "o{i},");
        if let Some(p) = parent {
            let _ = write!(o, "o{p}");
        }
        let _ = write!(o, ",{},{kind},{code},", level.1);
        write_day(o, founded);
        let _ = writeln!(o, ",,{name},{}", if part_of { "part_of" } else { "" });
        orgs.push(Org {
            founded,
            level: level.0,
        });
    };
    // Municipal roots and district associations.
    let mut districts: Vec<(usize, String, usize)> = Vec::new(); // (org, code, kind)
    'top: for (city, city_name) in CITIES {
        let code = DivisionCode::parse(city).expect("city code");
        let children: Vec<(String, String)> = table
            .children(&code)
            .iter()
            .filter(|e| e.name != "市辖区")
            .map(|e| (e.code.as_str().to_string(), e.name.clone()))
            .collect();
        for (k, (kind, kind_name)) in KINDS.iter().enumerate() {
            if orgs.len() >= spec.orgs {
                break 'top;
            }
            let root = orgs.len();
            let founded = start + rng.below(1500) as i64;
            push(
                &mut o,
                &mut orgs,
                None,
                (2, "municipal"),
                kind,
                city,
                founded,
                &format!("{city_name}{kind_name}"),
                false,
            );
            for (dcode, dname) in &children {
                if orgs.len() >= spec.orgs {
                    break 'top;
                }
                let founded = founded + rng.below(2000) as i64;
                districts.push((orgs.len(), dcode.clone(), k));
                push(
                    &mut o,
                    &mut orgs,
                    Some(root),
                    (3, "district"),
                    kind,
                    dcode,
                    founded,
                    &format!("{dname}{kind_name}"),
                    false,
                );
            }
        }
    }
    // Street branches, then community branches, round-robin.
    let mut streets: Vec<(usize, String, usize)> = Vec::new();
    let mut round = 1;
    while orgs.len() < spec.orgs && !districts.is_empty() && round <= 99 {
        for (parent, code, k) in &districts {
            if orgs.len() >= spec.orgs {
                break;
            }
            let scode = format!("{code}{round:03}");
            let founded = (orgs[*parent].founded + 200 + rng.below(3000) as i64).min(end - 400);
            streets.push((orgs.len(), scode.clone(), *k));
            let (kind, kind_name) = KINDS[*k];
            push(
                &mut o,
                &mut orgs,
                Some(*parent),
                (4, "subdistrict"),
                kind,
                &scode,
                founded,
                &format!("{scode}街道{kind_name}分会"),
                true,
            );
        }
        round += 1;
    }
    let mut round = 1;
    while orgs.len() < spec.orgs && !streets.is_empty() {
        for (parent, code, k) in &streets {
            if orgs.len() >= spec.orgs {
                break;
            }
            let ccode = format!("{code}{:03}", 1 + (round - 1) % 199);
            let founded = (orgs[*parent].founded + 100 + rng.below(1500) as i64).min(end - 200);
            let (kind, kind_name) = KINDS[*k];
            push(
                &mut o,
                &mut orgs,
                Some(*parent),
                (5, "community"),
                kind,
                &ccode,
                founded,
                &format!("{ccode}社区{kind_name}小组"),
                true,
            );
        }
        round += 1;
    }

    let counties: Vec<String> = CITIES
        .iter()
        .flat_map(|(c, _)| {
            table
                .children(&DivisionCode::parse(c).expect("city"))
                .iter()
                .map(|e| e.code.as_str().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    people(spec, &mut rng, &orgs, o, &counties)
}

/// Persons and memberships over generated organizations (`o`: the orgs file written so far).
fn people(spec: &Spec, rng: &mut Rng, orgs: &[Org], o: String, counties: &[String]) -> Files {
    let end = days_from_civil(2024, 6, 1);
    // Persons.
    let mut p = String::with_capacity(spec.persons * 90);
    p.push_str("id,name,sex,party,title,stratum,birth_year,ethnicity,resident_id,education\n");
    for i in 0..spec.persons {
        let male = rng.chance(55);
        let birth = days_from_civil(1950, 1, 1) + rng.below(50 * 365) as i64;
        let (year, ..) = civil_from_days(birth);
        let _ = write!(
            p,
            "p{i},{}{},{},{},{},{},{year},{},",
            rng.pick(SURNAMES),
            rng.pick(GIVEN),
            if male { "male" } else { "female" },
            rng.weighted(PARTIES),
            rng.weighted(TITLES),
            rng.weighted(STRATA),
            if rng.chance(92) { "汉族" } else { "回族" },
        );
        if rng.chance(20) {
            p.push_str(&resident_id(rng, counties, birth, male));
        }
        let _ = writeln!(p, ",{}", rng.pick(EDUCATION));
    }

    // Memberships.
    let n = orgs.len().max(1);
    let per_person = spec.memberships.div_ceil(spec.persons.max(1)).max(1);
    let step_max = (n / per_person).max(1);
    let mut has_president = vec![false; n];
    let mut m = String::with_capacity(spec.memberships * 45);
    m.push_str("person_id,org_id,role,start,end\n");
    for j in 0..spec.memberships {
        let person = j % spec.persons.max(1);
        let k = j / spec.persons.max(1);
        // Distinct organizations for one person: base + k * step, with k * step < n.
        let mut h = Rng(spec.seed ^ (person as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let base = h.below(n);
        let step = 1 + h.below(step_max);
        let org = (base + k * step) % n;
        let founded = orgs[org].founded;
        let start_day = founded + rng.below((end - founded).max(1) as usize) as i64;
        let role = if !has_president[org] && orgs[org].level <= 5 && rng.chance(3) {
            has_president[org] = true;
            "president"
        } else {
            rng.weighted(ROLES)
        };
        let _ = write!(m, "p{person},o{org},{role},");
        write_day(&mut m, start_day);
        m.push(',');
        if rng.chance(20) {
            write_day(&mut m, start_day + 30 + rng.below(3000) as i64);
        }
        m.push('\n');
    }
    Files {
        orgs: o,
        persons: p,
        memberships: m,
    }
}

/// The level names of the division files, from province to community.
#[allow(dead_code)] // Only gen-rosters writes the national tree; the benchmarks share this module.
const NATIONAL_LEVELS: [(&str, u8, &str); 5] = [
    ("province.csv", 1, "provincial"),
    ("city.csv", 2, "municipal"),
    ("county.csv", 3, "district"),
    ("street.csv", 4, "subdistrict"),
    ("village.csv", 5, "community"),
];

/// The national tree: every division of a division directory (`province.csv` … `village.csv`,
/// `code,name,parent_code`; `../shared/data/divisions/`) as an organization under the one of
/// its parent division, with `spec.persons` persons and `spec.memberships` memberships (as in
/// [`generate`]; `spec.orgs` is ignored). Provinces, cities and counties hold a zhilianhui
/// (guidance down the levels); three subdistricts in five hold a zhilianhui branch (`part_of`
/// its county's), the others a xinlianhui under the county's guidance, so that zhilianhui
/// coverage of subdistricts is partial; every community holds a branch of its subdistrict's.
#[allow(dead_code)] // Only gen-rosters writes the national tree; the benchmarks share this module.
pub fn generate_national(spec: &Spec, dir: &std::path::Path) -> Result<Files, String> {
    let mut rng = Rng(spec.seed);
    let mut orgs: Vec<Org> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut o = String::new();
    o.push_str("id,parent_id,level,kind,division_code,founded,dissolved,name,relation\n");
    let start = days_from_civil(2005, 1, 1);
    let end = days_from_civil(2024, 6, 1);
    let mut counties = Vec::new();
    for (file, level, level_name) in NATIONAL_LEVELS {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for (n, line) in text.lines().enumerate().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let [code, name, parent_code] = fields[..] else {
                return Err(format!(
                    "{}:{}: expected code,name,parent_code",
                    path.display(),
                    n + 1
                ));
            };
            let parent = index.get(parent_code).copied();
            let (kind, part_of) = match (level, parent) {
                (4, Some(_)) if rng.chance(40) => ("xinlianhui", false),
                (4, Some(_)) => ("zhilianhui", true),
                (5, Some(p)) => (kinds[p], true),
                _ => ("zhilianhui", false),
            };
            let founded = match parent {
                Some(p) => (orgs[p].founded + 30 + rng.below(700) as i64).min(end - 30),
                None => start + rng.below(1000) as i64,
            };
            let i = orgs.len();
            let _ = write!(o, "o{i},");
            if let Some(p) = parent {
                let _ = write!(o, "o{p}");
            }
            let _ = write!(o, ",{level_name},{kind},{code},");
            write_day(&mut o, founded);
            let _ = writeln!(
                o,
                ",,{name}{},{}",
                if kind == "zhilianhui" {
                    "知联会"
                } else {
                    "新联会"
                },
                if part_of { "part_of" } else { "" }
            );
            index.insert(code.to_string(), i);
            orgs.push(Org { founded, level });
            kinds.push(kind);
            if level == 3 {
                counties.push(code.to_string());
            }
        }
    }
    Ok(people(spec, &mut rng, &orgs, o, &counties))
}
