//! The domain's closed vocabularies: levels, kinds, parties, titles, strata, roles and the rest.
//!
//! Every vocabulary is a plain Rust enum whose interchange name is a stable snake_case English word
//! (the names DESIGN §Interchange lists) and which also knows its Chinese label. Parsing an unknown
//! name is a [`UnknownValue`] error that lists what would have been accepted.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A name that is not part of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} `{value}` (expected one of: {expected})")]
pub struct UnknownValue {
    /// The vocabulary that was asked, e.g. `party`.
    pub vocabulary: &'static str,
    /// The text that did not match.
    pub value: String,
    /// The accepted names, comma separated.
    pub expected: String,
}

/// Defines a closed vocabulary with stable snake_case names, Chinese labels and serde support.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $vocab:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, $zh:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the vocabulary's natural order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The vocabulary's name as used in error messages and column names.
            pub const VOCABULARY: &'static str = $vocab;

            /// The stable interchange name (snake_case English).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The Chinese label.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// Position in [`Self::ALL`]; dense, usable as an array index.
            pub fn index(self) -> usize {
                self as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue {
                        vocabulary: $vocab,
                        value: s.chars().take(64).collect(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary! {
    /// Administrative level (层级), from the highest (national) to the lowest (community).
    /// The derived order is that ladder: `National < Provincial < … < Community`, so a level that
    /// compares *greater* is *lower* in the hierarchy.
    Level, "level" {
        /// 全国
        National = "national", "全国";
        /// 省
        Provincial = "provincial", "省级";
        /// 市
        Municipal = "municipal", "市级";
        /// 区(县), including functional areas (新区) that act as districts.
        District = "district", "区(县)级";
        /// 街道(镇/乡)
        Subdistrict = "subdistrict", "街道(镇/乡)级";
        /// 社区(村)
        Community = "community", "社区(村)级";
    }
}

vocabulary! {
    /// Kind of organization (组织类型).
    OrgKind, "kind" {
        /// 知联会: association of non-CPC intellectuals.
        Zhilianhui = "zhilianhui", "知联会";
        /// 新联会: new social stratum association.
        Xinlianhui = "xinlianhui", "新联会";
        /// 网联会: association of online personalities.
        Wanglianhui = "wanglianhui", "网联会";
        /// 留联会 / 欧美同学会: returned overseas scholars association.
        ReturnedScholars = "returned_scholars", "留联会";
        /// 同心荟: practice base for the new social strata.
        Tongxinhui = "tongxinhui", "同心荟";
        /// 统战基地 / 实践创新基地 / 示范基地.
        Base = "base", "统战基地";
        /// 民主党派支部: branch of a democratic party.
        DemocraticPartyBranch = "democratic_party_branch", "民主党派支部";
        /// 党委: CPC committee (e.g. of an industrial park).
        PartyCommittee = "party_committee", "党委";
        /// 党支部: CPC branch.
        PartyBranch = "party_branch", "党支部";
        /// 工商联(商会): federation of industry and commerce / chamber of commerce.
        Chamber = "chamber", "商会";
        /// 建言献策工作室 / 党外知识分子工作室.
        AdvisoryStudio = "advisory_studio", "工作室";
        /// 专委会: special committee of an association.
        SpecialCommittee = "special_committee", "专委会";
        /// 线上社群: online group run by an organization.
        OnlineGroup = "online_group", "线上社群";
        /// Anything else.
        Other = "other", "其他";
    }
}

vocabulary! {
    /// How a child organization hangs under its parent (DESIGN §"Membership rules").
    Relation, "relation" {
        /// 指导: a lower-level organization guided by a higher one; memberships stay separate.
        Guidance = "guidance", "指导";
        /// 分会 / 专委会: a branch or committee of its parent; its members count as the parent's.
        PartOf = "part_of", "分会";
    }
}

vocabulary! {
    /// Where an organization sits besides its division (载体).
    Carrier, "carrier" {
        /// 楼宇
        Building = "building", "楼宇";
        /// 园区
        IndustrialPark = "industrial_park", "园区";
        /// 国有企业
        StateEnterprise = "state_enterprise", "国有企业";
        /// 民营企业
        PrivateEnterprise = "private_enterprise", "民营企业";
        /// 科研院所
        ResearchInstitute = "research_institute", "科研院所";
        /// 高校
        University = "university", "高校";
        /// 医院
        Hospital = "hospital", "医院";
        /// 卫健系统
        HealthSystem = "health_system", "卫健系统";
        /// 教育系统
        EducationSystem = "education_system", "教育系统";
        /// 社区
        Community = "community", "社区";
    }
}

vocabulary! {
    /// The five categories of 同心荟.
    TongxinCategory, "category" {
        /// 孵化型
        Incubation = "incubation", "孵化型";
        /// 联盟型
        Alliance = "alliance", "联盟型";
        /// 文化型
        Culture = "culture", "文化型";
        /// 服务型
        Service = "service", "服务型";
        /// 青创型
        YouthEntrepreneurship = "youth_entrepreneurship", "青创型";
    }
}

vocabulary! {
    /// Party affiliation (政治面貌).
    Party, "party" {
        /// 中共
        Cpc = "cpc", "中共党员";
        /// 无党派人士
        NonParty = "non_party", "无党派人士";
        /// 民革
        MinGe = "min_ge", "民革";
        /// 民盟
        MinMeng = "min_meng", "民盟";
        /// 民建
        MinJian = "min_jian", "民建";
        /// 民进
        MinJin = "min_jin", "民进";
        /// 农工党
        NongGong = "nong_gong", "农工党";
        /// 致公党
        ZhiGong = "zhi_gong", "致公党";
        /// 九三学社
        JiuSan = "jiu_san", "九三学社";
        /// 台盟
        TaiMeng = "tai_meng", "台盟";
        /// 群众
        Mass = "mass", "群众";
    }
}

impl Default for Relation {
    /// Guidance, the relation of an organization to its guide.
    fn default() -> Self {
        Relation::Guidance
    }
}

impl Party {
    /// True for the eight democratic parties.
    pub fn is_democratic_party(self) -> bool {
        !matches!(self, Party::Cpc | Party::NonParty | Party::Mass)
    }
}

vocabulary! {
    /// Professional title ladder (职称), ordered from none to senior.
    Title, "title" {
        /// 无
        None = "none", "无";
        /// 初级
        Junior = "junior", "初级";
        /// 中级
        Intermediate = "intermediate", "中级";
        /// 副高
        AssociateSenior = "associate_senior", "副高级";
        /// 正高
        Senior = "senior", "正高级";
    }
}

vocabulary! {
    /// New-social-stratum category (新的社会阶层人士类别).
    Stratum, "stratum" {
        /// Not in a new social stratum.
        None = "none", "无";
        /// 民营企业和外商投资企业管理技术人员
        PrivateEnterpriseStaff = "private_enterprise_staff", "民营企业和外商投资企业管理技术人员";
        /// 中介组织和社会组织从业人员
        IntermediaryStaff = "intermediary_staff", "中介组织和社会组织从业人员";
        /// 自由职业人员
        Freelancer = "freelancer", "自由职业人员";
        /// 新媒体从业人员
        NewMedia = "new_media", "新媒体从业人员";
    }
}

vocabulary! {
    /// Sex (性别).
    Sex, "sex" {
        /// 男
        Male = "male", "男";
        /// 女
        Female = "female", "女";
    }
}

vocabulary! {
    /// Highest education (学历), ordered.
    Education, "education" {
        /// 初中及以下
        Compulsory = "compulsory", "初中及以下";
        /// 高中/中专
        Secondary = "secondary", "高中/中专";
        /// 大专
        College = "college", "大专";
        /// 本科
        Bachelor = "bachelor", "本科";
        /// 硕士
        Master = "master", "硕士研究生";
        /// 博士
        Doctorate = "doctorate", "博士研究生";
    }
}

vocabulary! {
    /// Role of a member in an organization (职务).
    Role, "role" {
        /// 会长 / 主任 / 主席
        President = "president", "会长";
        /// 副会长
        VicePresident = "vice_president", "副会长";
        /// 秘书长
        SecretaryGeneral = "secretary_general", "秘书长";
        /// 副秘书长
        DeputySecretaryGeneral = "deputy_secretary_general", "副秘书长";
        /// 常务理事
        StandingCouncil = "standing_council", "常务理事";
        /// 理事
        Council = "council", "理事";
        /// 会员
        Member = "member", "会员";
        /// 书记 (party branches and committees)
        Secretary = "secretary", "书记";
        /// 副书记
        DeputySecretary = "deputy_secretary", "副书记";
        /// 委员 (committee member)
        CommitteeMember = "committee_member", "委员";
        /// 会员单位 / 成员单位 (an enterprise or unit in a chamber or park)
        MemberUnit = "member_unit", "会员单位";
    }
}

vocabulary! {
    /// The body of a political arrangement (政治安排).
    PoliticalBody, "political_body" {
        /// 人大代表: deputy to a people's congress.
        Npc = "npc", "人大代表";
        /// 政协委员: member of a CPPCC committee.
        Cppcc = "cppcc", "政协委员";
    }
}

vocabulary! {
    /// Title of a designation (授牌/荣誉).
    DesignationTitle, "designation_title" {
        /// 试点单位
        PilotUnit = "pilot_unit", "试点单位";
        /// 实践创新基地
        PracticeInnovationBase = "practice_innovation_base", "实践创新基地";
        /// 示范基地
        DemonstrationBase = "demonstration_base", "示范基地";
        /// 先进单位
        AdvancedUnit = "advanced_unit", "先进单位";
        /// Other honours.
        Other = "other", "其他";
    }
}

vocabulary! {
    /// Kind of activity (活动类型).
    ActivityKind, "activity_kind" {
        /// 学习座谈
        Study = "study", "学习座谈";
        /// 培训
        Training = "training", "培训";
        /// 咨询
        Consultation = "consultation", "咨询";
        /// 建言献策会
        AdviceMeeting = "advice_meeting", "建言献策会";
        /// 公益服务
        PublicService = "public_service", "公益服务";
        /// 参观接待
        Reception = "reception", "参观接待";
        /// 文艺汇演
        Performance = "performance", "文艺汇演";
        /// 联谊交流
        Networking = "networking", "联谊交流";
        /// Other activities.
        Other = "other", "其他";
    }
}

vocabulary! {
    /// Kind of advice record (建言献策).
    AdviceKind, "advice_kind" {
        /// 建言 / 意见建议
        Advice = "advice", "意见建议";
        /// 提案
        Proposal = "proposal", "提案";
        /// 课题报告
        ResearchReport = "research_report", "课题报告";
    }
}

vocabulary! {
    /// Kind of a secondary, dated link between two organizations (outside the tree).
    AffiliationKind, "affiliation_kind" {
        /// The organization sits in (is hosted by) the other, e.g. an association in a base.
        HostedBy = "hosted_by", "依托";
        /// A partner (e.g. a partner chamber).
        Partner = "partner", "合作";
        /// Any other secondary link.
        Other = "other", "其他";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_lists_choices() {
        for p in Party::ALL {
            assert_eq!(p.as_str().parse::<Party>().unwrap(), *p);
        }
        let err = "communist".parse::<Party>().unwrap_err();
        assert_eq!(err.vocabulary, "party");
        assert!(err.to_string().contains("cpc, non_party"), "{err}");
        assert_eq!(
            serde_json::to_string(&Title::AssociateSenior).unwrap(),
            "\"associate_senior\""
        );
        assert!(serde_json::from_str::<Title>("\"doctor\"").is_err());
    }

    #[test]
    fn orders_follow_the_ladders() {
        assert!(Title::Senior > Title::AssociateSenior && Title::Intermediate > Title::Junior);
        assert!(Level::Community > Level::District && Level::National < Level::Provincial);
        assert!(Education::Doctorate > Education::Bachelor);
        assert_eq!(
            Party::ALL
                .iter()
                .filter(|p| p.is_democratic_party())
                .count(),
            8
        );
    }
}
