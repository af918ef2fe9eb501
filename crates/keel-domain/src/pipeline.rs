//! Pipelines and stages. Every stage has a win probability and a category; a deal is open,
//! won or lost by the category of its stage, never by a separate flag that could disagree.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Open,
    Won,
    Lost,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Open => "open",
            Category::Won => "won",
            Category::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        [Category::Open, Category::Won, Category::Lost]
            .into_iter()
            .find(|c| c.as_str() == s)
    }

    pub fn is_closed(self) -> bool {
        self != Category::Open
    }
}

/// A stage as configured: (Chinese name, English name, probability %, category).
pub struct StageSpec {
    pub name: &'static str,
    pub name_en: &'static str,
    pub probability: u8,
    pub category: Category,
}

/// The stages every new organisation starts with: the sequence Zoho CRM users know.
pub const DEFAULT_STAGES: [StageSpec; 8] = [
    StageSpec {
        name: "资格确认",
        name_en: "Qualification",
        probability: 10,
        category: Category::Open,
    },
    StageSpec {
        name: "需求分析",
        name_en: "Needs Analysis",
        probability: 20,
        category: Category::Open,
    },
    StageSpec {
        name: "价值主张",
        name_en: "Value Proposition",
        probability: 40,
        category: Category::Open,
    },
    StageSpec {
        name: "确认决策人",
        name_en: "Identify Decision Makers",
        probability: 60,
        category: Category::Open,
    },
    StageSpec {
        name: "方案报价",
        name_en: "Proposal/Price Quote",
        probability: 75,
        category: Category::Open,
    },
    StageSpec {
        name: "谈判审核",
        name_en: "Negotiation/Review",
        probability: 90,
        category: Category::Open,
    },
    StageSpec {
        name: "赢单",
        name_en: "Closed Won",
        probability: 100,
        category: Category::Won,
    },
    StageSpec {
        name: "输单",
        name_en: "Closed Lost",
        probability: 0,
        category: Category::Lost,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pipeline_rises_to_one_won_and_one_lost_stage() {
        let open: Vec<u8> = DEFAULT_STAGES
            .iter()
            .filter(|s| s.category == Category::Open)
            .map(|s| s.probability)
            .collect();
        assert!(
            open.windows(2).all(|w| w[0] < w[1]),
            "probabilities rise through open stages"
        );
        assert_eq!(
            DEFAULT_STAGES
                .iter()
                .filter(|s| s.category == Category::Won)
                .count(),
            1
        );
        assert_eq!(
            DEFAULT_STAGES
                .iter()
                .filter(|s| s.category == Category::Lost)
                .count(),
            1
        );
        assert_eq!(DEFAULT_STAGES[6].probability, 100);
        assert_eq!(DEFAULT_STAGES[7].probability, 0);
    }
}
