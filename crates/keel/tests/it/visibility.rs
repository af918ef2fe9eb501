//! The reporting-line rule against an independent recomputation, on random organisations:
//! who is below whom, and which manager changes would close a loop.

use keel_db::DbError;
use keel_db::people::{NewPerson, PersonInput};
use keel_db::setup::{FirstAdmin, Seed};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Everyone below `root` (and `root`), by walking the parent map: no SQL involved.
fn below(parents: &HashMap<Uuid, Option<Uuid>>, root: Uuid) -> HashSet<Uuid> {
    let mut out = HashSet::from([root]);
    loop {
        let more: Vec<Uuid> = parents
            .iter()
            .filter(|(id, p)| !out.contains(*id) && p.is_some_and(|p| out.contains(&p)))
            .map(|(id, _)| *id)
            .collect();
        if more.is_empty() {
            return out;
        }
        out.extend(more);
    }
}

db_test!(
    async fn reporting_lines_match_a_recomputation(t: TestDb) {
        let mut rng = Rng(0x5eed_cafe);
        let n = 40;
        let ids: Vec<Uuid> = (0..n).map(|_| Uuid::now_v7()).collect();
        let mut parents: HashMap<Uuid, Option<Uuid>> = HashMap::new();
        let mut seed = Seed::default();
        for (i, id) in ids.iter().enumerate() {
            // Each person reports to someone earlier, or to nobody (several roots).
            let parent = (i > 0 && rng.below(5) > 0).then(|| ids[rng.below(i)]);
            parents.insert(*id, parent);
            seed.people.push(NewPerson {
                id: *id,
                input: PersonInput {
                    name: format!("P{i}"),
                    role: "member".into(),
                    manager_id: parent,
                    ..Default::default()
                },
                password_hash: None,
            });
        }
        let admin = FirstAdmin {
            organisation: "Random".into(),
            name: "Root".into(),
            name_en: None,
            email: "root@example.com".into(),
            password_hash: "x".into(),
            locale: "en".into(),
            time_zone: Default::default(),
        };
        let admin_id = t.db.create_organisation(&admin, &seed).await.unwrap();

        for round in 0..60 {
            let root = ids[rng.below(n)];
            let got: HashSet<Uuid> =
                t.db.reporting_line(root)
                    .await
                    .unwrap()
                    .into_iter()
                    .collect();
            assert_eq!(got, below(&parents, root), "round {round}");

            // Move someone under someone else; it must be refused exactly when it would loop.
            let who = ids[rng.below(n)];
            let to = ids[rng.below(n)];
            let loops = below(&parents, who).contains(&to);
            let input = PersonInput {
                name: "moved".into(),
                role: "member".into(),
                manager_id: Some(to),
                ..Default::default()
            };
            match t.db.update_person(admin_id, who, &input, None).await {
                Ok(()) => {
                    assert!(!loops, "round {round}: a loop was accepted");
                    parents.insert(who, Some(to));
                }
                Err(DbError::Conflict("reporting_cycle")) => {
                    assert!(loops, "round {round}: a valid move was refused")
                }
                Err(e) => panic!("round {round}: {e}"),
            }
        }
    }
);
