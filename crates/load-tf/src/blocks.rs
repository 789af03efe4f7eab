//! The syntax trees of `resource`, `data` and `module` blocks, parsed again on demand from
//! their file's text and held in a cache bounded by the bytes of source it stands for.
//!
//! Why: hcl-edit's tree is about 26 times its text, and evaluation is lazy (any block may read
//! any other's arguments at any time), so keeping every block's tree from the first parse held
//! them all until the last resource was lowered (4.4 GB at a million resources). A block is
//! parsed alone from its bytes, so a miss costs one block's parse whatever the size of its file;
//! lowering goes block by block in file order, so few blocks are parsed more than twice.

use hcl_edit::structure::{Block, Structure};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// Names a block: (module definition, file, first byte of the block in that file).
pub(crate) type BlockKey = (usize, usize, usize);

/// A block's tree and the offset to add to its byte spans to make them offsets in its file: a
/// block parsed alone has spans from its own first byte; one kept from the parse of its whole
/// file has 0.
#[derive(Clone)]
pub(crate) struct Tree {
    pub block: Rc<Block>,
    pub base: usize,
}

struct Entry {
    tree: Tree,
    bytes: usize,
    /// When it was last read or added (the clock of [`Blocks`]).
    stamp: u64,
}

/// Trees by block, the least recently read evicted first once their blocks' text passes the
/// byte bound. The queue holds (block, stamp) for every read; an item whose stamp is not its
/// entry's any more is stale and skipped, and the queue is compacted when stale items are most
/// of it, so that each read costs O(1) amortized.
pub(crate) struct Blocks {
    map: HashMap<BlockKey, Entry>,
    order: VecDeque<(BlockKey, u64)>,
    clock: u64,
    bytes: usize,
    limit: usize,
}

impl Blocks {
    pub(crate) fn new(limit: usize) -> Self {
        Blocks {
            map: HashMap::new(),
            order: VecDeque::new(),
            clock: 0,
            bytes: 0,
            limit,
        }
    }

    pub(crate) fn get(&mut self, key: &BlockKey) -> Option<Tree> {
        let e = self.map.get_mut(key)?;
        self.clock += 1;
        e.stamp = self.clock;
        self.order.push_back((*key, self.clock));
        let tree = e.tree.clone();
        if self.order.len() > 2 * self.map.len() + 64 {
            let map = &self.map;
            self.order
                .retain(|(k, st)| map.get(k).is_some_and(|e| e.stamp == *st));
        }
        Some(tree)
    }

    /// A tree from the first parse: kept only while there is room, evicting nothing (those
    /// kept first are read first, as lowering goes in file order).
    pub(crate) fn offer(&mut self, key: BlockKey, tree: Tree, bytes: usize) {
        if self.bytes.saturating_add(bytes) <= self.limit && !self.map.contains_key(&key) {
            self.put(key, tree, bytes);
        }
    }

    /// A tree just parsed: kept, evicting the least recently read past the bound (never the
    /// one just added).
    pub(crate) fn insert(&mut self, key: BlockKey, tree: Tree, bytes: usize) {
        if self.map.contains_key(&key) {
            return;
        }
        self.put(key, tree, bytes);
        while self.bytes > self.limit && self.map.len() > 1 {
            let Some((k, st)) = self.order.pop_front() else {
                break;
            };
            if k == key {
                self.order.push_front((k, st));
                break;
            }
            if self.map.get(&k).is_some_and(|e| e.stamp == st) {
                if let Some(e) = self.map.remove(&k) {
                    self.bytes -= e.bytes;
                }
            }
        }
    }

    fn put(&mut self, key: BlockKey, tree: Tree, bytes: usize) {
        self.clock += 1;
        self.bytes += bytes;
        self.order.push_back((key, self.clock));
        self.map.insert(
            key,
            Entry {
                tree,
                bytes,
                stamp: self.clock,
            },
        );
    }
}

/// Parses a block alone from its text (the bytes of the block, from its type keyword to its
/// closing brace). `None` if they are not one block: they were one when the file was parsed,
/// so that would be a defect, which the caller reports rather than guesses around.
pub(crate) fn parse_block(text: &str) -> Option<Block> {
    let body = hcl_edit::parser::parse_body(text).ok()?;
    let mut items = body.into_iter();
    match (items.next(), items.next()) {
        (Some(Structure::Block(b)), None) => Some(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Tree {
        Tree {
            block: Rc::new(parse_block("x {}").expect("a block")),
            base: 0,
        }
    }

    #[test]
    fn bounded_and_least_recently_used_first() {
        let mut c = Blocks::new(30);
        c.insert((0, 0, 0), tree(), 10);
        c.insert((0, 0, 1), tree(), 10);
        c.insert((0, 0, 2), tree(), 10);
        assert!(c.get(&(0, 0, 0)).is_some());
        c.insert((0, 0, 3), tree(), 10);
        // The one read since is kept; the least recently read goes.
        assert!(c.get(&(0, 0, 0)).is_some());
        assert!(c.get(&(0, 0, 1)).is_none());
        assert!(c.bytes <= 30);
        for _ in 0..1000 {
            assert!(c.get(&(0, 0, 2)).is_some());
        }
        assert!(
            c.order.len() <= 2 * c.map.len() + 64,
            "stale reads are dropped"
        );
        c.insert((0, 0, 5), tree(), 10);
        assert!(c.get(&(0, 0, 2)).is_some() && c.get(&(0, 0, 3)).is_none());
        // One block larger than the bound is still kept (it is the one just read).
        c.insert((0, 0, 6), tree(), 100);
        assert!(c.get(&(0, 0, 6)).is_some() && c.map.len() == 1);
        c.offer((0, 0, 4), tree(), 10);
        assert!(c.get(&(0, 0, 4)).is_none(), "offers never evict");
    }

    #[test]
    fn a_block_parses_alone_with_spans_from_its_first_byte() {
        let text = "# c\nresource \"a\" \"b\" {\n  x = [1, 2]\n}\n";
        let body = hcl_edit::parser::parse_body(text).expect("parses");
        let Some(Structure::Block(whole)) = body.into_iter().next() else {
            panic!("a block");
        };
        let r = hcl_edit::Span::span(&whole).expect("span");
        let alone = parse_block(&text[r.clone()]).expect("parses alone");
        let attr = |b: &Block| {
            let a = b.body.get_attribute("x").expect("x");
            hcl_edit::Span::span(&a.value).expect("span")
        };
        assert_eq!(attr(&alone).start + r.start, attr(&whole).start);
        assert!(parse_block("a {}\nb {}").is_none());
        assert!(parse_block("x = 1").is_none());
    }
}
