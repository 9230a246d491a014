//! Pre-order numbering of the organization forest.
//!
//! Organizations live in an arena and are named inside the registry by a compact [`OrgIdx`]. A
//! [`Forest`] numbers the organizations of one day's tree in pre-order, so that every subtree is a
//! contiguous range of positions: "is X under Y" is two comparisons, and a statistic over every
//! subtree is one pass over the order. The registry keeps the forest of its latest tree up to date
//! after every structural change and builds the forest of a past day on demand.

use crate::vocab::Relation;

/// Index of an organization in the registry's arena (insertion order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrgIdx(pub u32);

impl OrgIdx {
    /// The index as `usize`.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

const NONE: u32 = u32::MAX;

/// A forest of organizations numbered in pre-order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Forest {
    /// Organizations in pre-order.
    order: Vec<OrgIdx>,
    /// Position of each organization in `order`, `NONE` when not in this forest.
    pos: Vec<u32>,
    /// One past the last position of each organization's subtree.
    end: Vec<u32>,
    /// Parent of each organization in this forest, `NONE` for roots and absent ones.
    parent: Vec<u32>,
    /// Relation to the parent.
    relation: Vec<Relation>,
}

impl Forest {
    /// Numbers the forest over `n` organizations where `link(i)` is `None` for organizations not
    /// in the forest, `Some(None)` for roots and `Some(Some((parent, relation)))` otherwise.
    /// Children come in arena order. A parent not itself in the forest makes its child a root.
    pub fn build(n: usize, link: impl Fn(OrgIdx) -> Option<Option<(OrgIdx, Relation)>>) -> Forest {
        let mut parent = vec![NONE; n];
        let mut relation = vec![Relation::Guidance; n];
        let mut present = vec![false; n];
        for i in 0..n {
            if let Some(l) = link(OrgIdx(i as u32)) {
                present[i] = true;
                if let Some((p, r)) = l {
                    parent[i] = p.0;
                    relation[i] = r;
                }
            }
        }
        for p in parent.iter_mut() {
            if *p != NONE && !present.get(*p as usize).copied().unwrap_or(false) {
                *p = NONE;
            }
        }
        // Children in compressed rows, in arena order.
        let mut first = vec![0u32; n + 1];
        for &p in &parent {
            if p != NONE {
                first[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut kids = vec![OrgIdx(0); first[n] as usize];
        for (i, &p) in parent.iter().enumerate() {
            if p != NONE {
                kids[fill[p as usize] as usize] = OrgIdx(i as u32);
                fill[p as usize] += 1;
            }
        }
        let mut order = Vec::with_capacity(n);
        let mut pos = vec![NONE; n];
        let mut end = vec![NONE; n];
        // Iterative depth-first walk; a frame is (node, next child offset).
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for root in 0..n {
            if !present[root] || parent[root] != NONE {
                continue;
            }
            pos[root] = order.len() as u32;
            order.push(OrgIdx(root as u32));
            stack.push((root as u32, first[root]));
            while let Some(top) = stack.last_mut() {
                let (node, next) = *top;
                if next < first[node as usize + 1] {
                    top.1 += 1;
                    let child = kids[next as usize];
                    pos[child.get()] = order.len() as u32;
                    order.push(child);
                    stack.push((child.0, first[child.get()]));
                } else {
                    end[node as usize] = order.len() as u32;
                    stack.pop();
                }
            }
        }
        Forest {
            order,
            pos,
            end,
            parent,
            relation,
        }
    }

    /// The organizations in pre-order.
    pub fn order(&self) -> &[OrgIdx] {
        &self.order
    }

    /// Whether the organization is in this forest.
    pub fn contains(&self, org: OrgIdx) -> bool {
        self.pos.get(org.get()).is_some_and(|&p| p != NONE)
    }

    /// Position of the organization in pre-order.
    pub fn position(&self, org: OrgIdx) -> Option<usize> {
        self.pos
            .get(org.get())
            .filter(|&&p| p != NONE)
            .map(|&p| p as usize)
    }

    /// The range of pre-order positions of the organization's subtree (itself included).
    pub fn range(&self, org: OrgIdx) -> Option<std::ops::Range<usize>> {
        let start = self.position(org)?;
        Some(start..self.end[org.get()] as usize)
    }

    /// The organization's subtree in pre-order (itself first).
    pub fn subtree(&self, org: OrgIdx) -> &[OrgIdx] {
        self.range(org).map_or(&[], |r| &self.order[r])
    }

    /// Whether `node` lies in the subtree of `root` (a node is in its own subtree).
    pub fn is_within(&self, node: OrgIdx, root: OrgIdx) -> bool {
        match (self.position(node), self.range(root)) {
            (Some(p), Some(r)) => r.contains(&p),
            _ => false,
        }
    }

    /// The parent in this forest and the relation to it.
    pub fn parent(&self, org: OrgIdx) -> Option<(OrgIdx, Relation)> {
        let p = *self.parent.get(org.get())?;
        (p != NONE && self.contains(org)).then(|| (OrgIdx(p), self.relation[org.get()]))
    }

    /// The roots, in arena order.
    pub fn roots(&self) -> impl Iterator<Item = OrgIdx> + '_ {
        self.order
            .iter()
            .copied()
            .filter(|&o| self.parent(o).is_none())
    }

    /// The direct children in arena order.
    pub fn children(&self, org: OrgIdx) -> impl Iterator<Item = OrgIdx> + '_ {
        let mut next = self.position(org).map(|p| p + 1);
        let end = self.range(org).map_or(0, |r| r.end);
        std::iter::from_fn(move || {
            let at = next?;
            if at >= end {
                return None;
            }
            let child = self.order[at];
            next = self.range(child).map(|r| r.end);
            Some(child)
        })
    }

    /// Ancestors from the parent up to the root.
    pub fn ancestors(&self, org: OrgIdx) -> impl Iterator<Item = OrgIdx> + '_ {
        let mut cur = org;
        std::iter::from_fn(move || {
            let (p, _) = self.parent(cur)?;
            cur = p;
            Some(p)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0 ─ 1 ─ 3
    ///   └ 2        4 (root)   5 (absent)
    fn sample() -> Forest {
        let parents = [None, Some(0), Some(0), Some(1), None];
        Forest::build(6, |i| {
            parents
                .get(i.get())
                .map(|p| p.map(|p| (OrgIdx(p), Relation::Guidance)))
        })
    }

    #[test]
    fn subtrees_are_contiguous_ranges() {
        let f = sample();
        let ids = |v: &[OrgIdx]| v.iter().map(|o| o.0).collect::<Vec<_>>();
        assert_eq!(ids(f.order()), vec![0, 1, 3, 2, 4]);
        assert_eq!(ids(f.subtree(OrgIdx(1))), vec![1, 3]);
        assert_eq!(ids(f.subtree(OrgIdx(0))), vec![0, 1, 3, 2]);
        assert!(f.is_within(OrgIdx(3), OrgIdx(0)) && !f.is_within(OrgIdx(4), OrgIdx(0)));
        assert!(!f.contains(OrgIdx(5)) && f.subtree(OrgIdx(5)).is_empty());
        assert_eq!(
            f.children(OrgIdx(0)).map(|o| o.0).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(
            f.ancestors(OrgIdx(3)).map(|o| o.0).collect::<Vec<_>>(),
            vec![1, 0]
        );
        assert_eq!(f.roots().map(|o| o.0).collect::<Vec<_>>(), vec![0, 4]);
    }
}
