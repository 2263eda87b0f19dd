//! Petition titles and summaries for demo cases, per subject category, in the register of real
//! petition records. A small share carries terminal escape sequences on purpose, so that every
//! view, report and export is exercised against hostile text.

use crate::domain::Category;
use rand::Rng;

const FIRMS: &[&str] = &[
    "宏达",
    "鑫源",
    "华泰",
    "金诚",
    "瑞丰",
    "恒信",
    "天润",
    "昌盛",
    "永兴",
    "德润",
    "塞上",
    "贺兰山",
    "六盘",
    "黄河",
];
const TRADES: &[&str] = &[
    "建筑工程",
    "房地产开发",
    "置业",
    "劳务",
    "物业服务",
    "商贸",
    "农业科技",
    "投资咨询",
];
const ESTATES: &[&str] = &["花园", "小区", "家园", "新城", "名苑", "雅居", "锦园"];

fn pick<'a, R: Rng>(rng: &mut R, items: &'a [&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn firm<R: Rng>(rng: &mut R) -> String {
    format!("{}{}有限公司", pick(rng, FIRMS), pick(rng, TRADES))
}

fn estate<R: Rng>(rng: &mut R) -> String {
    format!("{}{}", pick(rng, FIRMS), pick(rng, ESTATES))
}

/// A title and summary for a petition of `category` from `place` (a township name).
pub fn petition<R: Rng>(rng: &mut R, category: Category, place: &str) -> (String, String) {
    let n = rng.random_range(3..120);
    let months = rng.random_range(2..14);
    let years = rng.random_range(2..9);
    match category {
        Category::PropertyCertificate => {
            let e = estate(rng);
            (
                format!("{e}业主反映房产证迟迟未办理"),
                format!(
                    "{place}{e}{n}户业主反映，房屋已交付入住{years}年，开发商至今未办理不动产权证书，影响子女入学和房屋交易，请求督促尽快办证。"
                ),
            )
        }
        Category::LateHousing => {
            let e = estate(rng);
            (
                format!("{e}逾期交房"),
                format!(
                    "购房户反映{e}项目合同约定交房日期已过{months}个月，工程处于停工状态，开发商{}无法联系，请求协调复工并按期交房。",
                    firm(rng)
                ),
            )
        }
        Category::UnpaidWages => {
            let f = firm(rng);
            (
                format!("{f}拖欠农民工工资"),
                format!(
                    "{n}名农民工反映在{place}{}项目务工，{f}拖欠工资共计{}万元已{months}个月，多次讨要未果，请求帮助追讨。",
                    estate(rng),
                    rng.random_range(5..300)
                ),
            )
        }
        Category::BankruptInsurance => (
            format!("原{}破产后社保欠缴", firm(rng)),
            format!(
                "原企业职工{n}人反映，企业破产清算后欠缴养老保险{years}年，导致无法按时办理退休手续，请求协调补缴。"
            ),
        ),
        Category::FundRaising => {
            let f = firm(rng);
            (
                format!("{f}涉嫌非法集资"),
                format!(
                    "群众反映{f}以高息为诱饵吸收资金，涉及{n}人、金额约{}万元，现公司负责人失联，请求立案追赃挽损。",
                    rng.random_range(50..5000)
                ),
            )
        }
        Category::LandDemolition => (
            format!("{place}征地补偿标准争议"),
            format!(
                "村民反映{place}土地征收补偿款未按公示标准足额发放，涉及耕地{}亩，安置房分配不透明，请求依法公开补偿方案。",
                rng.random_range(10..800)
            ),
        ),
        Category::Resettlement => (
            "生态移民安置房及土地分配问题".to_string(),
            format!(
                "{place}生态移民反映搬迁已满{years}年，承诺配套的耕地和温棚至今未落实，生活困难，请求兑现安置政策。"
            ),
        ),
        Category::Litigation => (
            "不服法院判决请求再审".to_string(),
            format!(
                "信访人对民间借贷纠纷案件判决不服，认为证据认定有误，已申请执行{months}个月未果，请求重新审理。"
            ),
        ),
        Category::Environment => (
            format!("{place}企业夜间排放异味"),
            format!(
                "居民反映{place}附近{}夜间排放刺鼻气体，噪声扰民，影响{n}户居民正常生活，请求环保部门查处。",
                firm(rng)
            ),
        ),
        Category::Health => (
            "医疗纠纷赔偿问题".to_string(),
            "信访人反映家属在医院治疗期间出现并发症，院方拒绝承担责任，请求组织医疗事故鉴定并依法赔偿。"
                .to_string(),
        ),
        Category::Education => (
            format!("{place}子女入学难"),
            format!(
                "家长反映{place}新建小区配套学校未按期建成，{n}名适龄儿童无法就近入学，请求协调学位。"
            ),
        ),
        Category::Agriculture => (
            "惠农补贴未足额发放".to_string(),
            format!(
                "{place}村民反映耕地地力保护补贴和种粮补贴连续{years}年未足额发放，怀疑被截留，请求核查。"
            ),
        ),
        Category::Discipline => (
            "反映村干部违规问题".to_string(),
            format!(
                "实名举报{place}村干部在低保评定和项目资金使用中优亲厚友、虚报冒领，涉及金额约{}万元。",
                rng.random_range(2..90)
            ),
        ),
        Category::Other => (
            "小区物业服务问题".to_string(),
            format!(
                "业主反映{}物业服务不到位，电梯长期故障，公共收益不公开，请求主管部门监督整改。",
                estate(rng)
            ),
        ),
    }
}

/// A hostile variant of a summary: the text an attacker might paste into a web petition form.
pub fn hostile(summary: &str, which: u64) -> String {
    match which % 3 {
        0 => format!("\u{1b}[2J\u{1b}[31m紧急\u{1b}[0m{summary}"),
        1 => format!("{summary}\u{1b}]52;c;cm0gLXJmIH4=\u{7}"),
        _ => format!("{summary}\r\n\u{1b}[1A\u{1b}[K已办结"),
    }
}
