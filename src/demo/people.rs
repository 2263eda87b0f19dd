//! Fictitious but well-formed petitioners: Chinese names, 18-digit ID numbers with a valid check
//! digit, mobile numbers and addresses. Deterministic given the random source.

use crate::domain::Petitioner;
use rand::Rng;

/// Surnames with rough weights; 马, 杨 and 海 are common among Ningxia's Hui population.
const SURNAMES: &[(&str, u32)] = &[
    ("王", 70),
    ("李", 70),
    ("张", 65),
    ("刘", 55),
    ("马", 50),
    ("杨", 40),
    ("陈", 35),
    ("赵", 25),
    ("黄", 20),
    ("周", 20),
    ("吴", 18),
    ("徐", 15),
    ("孙", 15),
    ("朱", 12),
    ("胡", 12),
    ("郭", 12),
    ("何", 10),
    ("高", 12),
    ("田", 10),
    ("丁", 8),
    ("海", 6),
    ("罗", 8),
    ("梁", 8),
    ("宋", 7),
    ("郑", 7),
    ("谢", 6),
    ("韩", 8),
    ("冯", 6),
    ("苏", 6),
    ("白", 6),
    ("金", 4),
    ("纳", 3),
    ("拜", 2),
    ("锁", 2),
    ("虎", 2),
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "文", "玉", "兰", "红", "建", "国", "海", "峰",
    "春", "梅", "斌", "鹏", "辉", "宁", "福", "成", "忠", "学", "德", "林", "彦", "龙", "虎", "萍",
    "燕", "晶", "亮", "雪", "琴", "宝", "生", "喜", "荣", "贵", "发", "云",
];

/// Mobile prefixes (the three digits after nothing: 138…).
const MOBILE_PREFIXES: &[&str] = &[
    "133", "135", "136", "137", "138", "139", "150", "151", "153", "158", "159", "177", "180",
    "181", "186", "187", "188", "189", "199",
];

const VILLAGES: &[&str] = &["村", "社区", "小区", "新村", "家园"];

fn weighted<'a, R: Rng>(rng: &mut R, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total.max(1));
    for (item, weight) in items {
        if pick < *weight {
            return item;
        }
        pick -= weight;
    }
    items.first().map_or("", |(item, _)| item)
}

/// A Chinese personal name of two or three characters.
pub fn name<R: Rng>(rng: &mut R) -> String {
    let mut out = String::from(weighted(rng, SURNAMES));
    out.push_str(GIVEN[rng.random_range(0..GIVEN.len())]);
    if rng.random_bool(0.55) {
        out.push_str(GIVEN[rng.random_range(0..GIVEN.len())]);
    }
    out
}

/// An official an accusation names (被反映人): a name and a post.
pub fn official<R: Rng>(rng: &mut R) -> String {
    const POSTS: &[&str] = &["局长", "副局长", "科长", "镇长", "副镇长", "村支书", "站长"];
    format!(
        "{}（{}）",
        name(rng),
        POSTS[rng.random_range(0..POSTS.len())]
    )
}

/// ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number.
pub fn id_check_digit(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(CHECK[(sum % 11) as usize])
}

/// An 18-digit resident ID number registered in `county`, born between 1950 and 2002.
pub fn id_number<R: Rng>(rng: &mut R, county: &str) -> String {
    let year = rng.random_range(1950..=2002);
    let month = rng.random_range(1..=12);
    let day = rng.random_range(1..=28);
    let serial = rng.random_range(0..1000);
    let first17 = format!("{county}{year:04}{month:02}{day:02}{serial:03}");
    let check = id_check_digit(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// An 11-digit mobile number.
pub fn phone<R: Rng>(rng: &mut R) -> String {
    let prefix = MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())];
    format!("{prefix}{:08}", rng.random_range(0..100_000_000u32))
}

/// A petitioner from `county`, living in `township_name`.
pub fn petitioner<R: Rng>(
    rng: &mut R,
    county: &str,
    county_name: &str,
    township_name: &str,
) -> Petitioner {
    let village = VILLAGES[rng.random_range(0..VILLAGES.len())];
    Petitioner {
        name: name(rng),
        id_number: id_number(rng, county),
        phone: phone(rng),
        address: format!(
            "{county_name}{township_name}{}{village}{}号",
            GIVEN[rng.random_range(0..GIVEN.len())],
            rng.random_range(1..200)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn id_numbers_carry_a_valid_check_digit_and_the_county() {
        // A published sample: 11010519491231002 → X.
        assert_eq!(id_check_digit("11010519491231002"), Some('X'));
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            let id = id_number(&mut rng, "640106");
            assert_eq!(id.len(), 18);
            assert!(id.starts_with("640106"));
            assert_eq!(id_check_digit(&id[..17]), id.chars().last());
        }
    }

    #[test]
    fn phones_are_eleven_digit_mobiles_and_names_are_chinese() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        for _ in 0..100 {
            let p = phone(&mut rng);
            assert_eq!(p.len(), 11);
            assert!(p.starts_with('1') && p.chars().all(|c| c.is_ascii_digit()));
            let n = name(&mut rng);
            assert!((2..=3).contains(&n.chars().count()), "{n}");
        }
    }
}
