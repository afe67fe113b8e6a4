//! Related posts, found among a post's neighbours inside its own tags and
//! deepest categories. Looking only at a fixed window around the post in each
//! term keeps the cost per article constant however big the archive grows.

use super::{Index, Term};

/// How many posts either side of the article to consider in each term.
const WINDOW: usize = 12;

/// Up to `limit` post ids sharing tags or a category with post `id`, best first.
pub fn related(index: &Index, id: usize, limit: usize) -> Vec<usize> {
    let post = &index.posts[id];
    let tag_terms = post.tag_terms.iter().map(|&t| &index.tags.terms[t]);
    let category_terms = post
        .category_terms
        .iter()
        .map(|&t| &index.categories.terms[t]);
    let mut scores: Vec<(usize, u32)> = Vec::new();
    let weighted = tag_terms
        .map(|t| (t, 3))
        .chain(category_terms.map(|t| (t, 1)));
    for (term, weight) in weighted {
        for neighbour in window(term, id) {
            match scores.iter_mut().find(|(n, _)| *n == neighbour) {
                Some((_, score)) => *score += weight,
                None => scores.push((neighbour, weight)),
            }
        }
    }
    // Higher score first, then nearer in time, then newer.
    scores.sort_by_key(|&(n, score)| (std::cmp::Reverse(score), n.abs_diff(id), n));
    scores.into_iter().take(limit).map(|(n, _)| n).collect()
}

fn window(term: &Term, id: usize) -> impl Iterator<Item = usize> + '_ {
    let at = term.posts.partition_point(|&p| (p as usize) < id);
    let lo = at.saturating_sub(WINDOW);
    let hi = (at + WINDOW + 1).min(term.posts.len());
    term.posts[lo..hi]
        .iter()
        .map(|&p| p as usize)
        .filter(move |&p| p != id)
}
