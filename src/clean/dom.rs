//! Small editing helpers over scraper's tree, so the passes read as what they do
//! rather than as ego-tree plumbing. Elements are rebuilt (not patched) when their
//! attributes change, because scraper caches `id` and `class` inside the element.

use ego_tree::NodeId;
use html5ever::{ns, Attribute, LocalName, QualName};
use scraper::node::{Element, Text};
use scraper::{ElementRef, Html, Node};

/// A parsed body fragment. Passes edit it in place; it is parsed once per post.
pub struct Doc {
    pub html: Html,
}

impl Doc {
    pub fn parse(fragment: &str) -> Doc {
        Doc {
            html: Html::parse_fragment(fragment),
        }
    }

    /// Whether every node's parent lists it among its children. html5ever's
    /// adoption agency, as scraper's tree sink carries it out, can leave a node
    /// whose parent does not (found by fuzzing, with misnested `<a>`s); ego-tree
    /// panics when such a node is moved. O(1) per node: sibling links only.
    pub fn is_consistent(&self) -> bool {
        self.html.tree.nodes().all(|node| {
            let Some(parent) = node.parent() else {
                return true;
            };
            let first_ok = match node.prev_sibling() {
                None => parent.first_child().map(|c| c.id()) == Some(node.id()),
                Some(prev) => {
                    prev.parent().map(|p| p.id()) == Some(parent.id())
                        && prev.next_sibling().map(|n| n.id()) == Some(node.id())
                }
            };
            let last_ok = match node.next_sibling() {
                None => parent.last_child().map(|c| c.id()) == Some(node.id()),
                Some(next) => {
                    next.parent().map(|p| p.id()) == Some(parent.id())
                        && next.prev_sibling().map(|p| p.id()) == Some(node.id())
                }
            };
            first_ok && last_ok
        })
    }

    /// The `<html>` element html5ever wraps a fragment in: the body's parent.
    pub fn root(&self) -> NodeId {
        self.html.root_element().id()
    }

    /// Every element below the root, in document order, collected up front so a
    /// pass can edit the tree while it walks the list.
    pub fn elements(&self) -> Vec<NodeId> {
        self.html
            .root_element()
            .descendants()
            .skip(1)
            .filter(|n| n.value().is_element())
            .map(|n| n.id())
            .collect()
    }

    /// Elements named `name`, in document order.
    pub fn elements_named(&self, name: &str) -> Vec<NodeId> {
        self.html
            .root_element()
            .descendants()
            .filter(|n| matches!(n.value(), Node::Element(e) if e.name() == name))
            .map(|n| n.id())
            .collect()
    }

    pub fn element(&self, id: NodeId) -> Option<&Element> {
        self.html.tree.get(id)?.value().as_element()
    }

    pub fn element_ref(&self, id: NodeId) -> Option<ElementRef<'_>> {
        ElementRef::wrap(self.html.tree.get(id)?)
    }

    pub fn name(&self, id: NodeId) -> &str {
        self.element(id).map(|e| e.name()).unwrap_or("")
    }

    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        self.element(id)?.attr(name)
    }

    pub fn has_class(&self, id: NodeId, class: &str) -> bool {
        self.element(id)
            .is_some_and(|e| e.has_class(class, scraper::CaseSensitivity::AsciiCaseInsensitive))
    }

    /// Whether the node is still part of the document (not detached by a pass).
    pub fn attached(&self, id: NodeId) -> bool {
        let root = self.root();
        let mut node = self.html.tree.get(id);
        while let Some(n) = node {
            if n.id() == root {
                return true;
            }
            node = n.parent();
        }
        false
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        Some(self.html.tree.get(id)?.parent()?.id())
    }

    pub fn children(&self, id: NodeId) -> Vec<NodeId> {
        match self.html.tree.get(id) {
            Some(n) => n.children().map(|c| c.id()).collect(),
            None => Vec::new(),
        }
    }

    pub fn next_sibling(&self, id: NodeId) -> Option<NodeId> {
        Some(self.html.tree.get(id)?.next_sibling()?.id())
    }

    pub fn prev_sibling(&self, id: NodeId) -> Option<NodeId> {
        Some(self.html.tree.get(id)?.prev_sibling()?.id())
    }

    pub fn text_of(&self, id: NodeId) -> Option<&str> {
        match self.html.tree.get(id)?.value() {
            Node::Text(t) => Some(&t.text),
            _ => None,
        }
    }

    pub fn is_element(&self, id: NodeId) -> bool {
        self.element(id).is_some()
    }

    /// All text below `id`, concatenated.
    pub fn text_content(&self, id: NodeId) -> String {
        match self.html.tree.get(id) {
            Some(n) => n
                .descendants()
                .filter_map(|d| d.value().as_text().map(|t| &*t.text))
                .collect(),
            None => String::new(),
        }
    }

    /// Descendant elements of `id` named `name` (not `id` itself).
    pub fn descendants_named(&self, id: NodeId, name: &str) -> Vec<NodeId> {
        match self.html.tree.get(id) {
            Some(n) => n
                .descendants()
                .skip(1)
                .filter(|d| matches!(d.value(), Node::Element(e) if e.name() == name))
                .map(|d| d.id())
                .collect(),
            None => Vec::new(),
        }
    }

    pub fn detach(&mut self, id: NodeId) {
        if let Some(mut n) = self.html.tree.get_mut(id) {
            n.detach();
        }
    }

    /// Replaces the node by its children.
    pub fn unwrap(&mut self, id: NodeId) {
        for child in self.children(id) {
            if let Some(mut n) = self.html.tree.get_mut(id) {
                n.insert_id_before(child);
            }
        }
        self.detach(id);
    }

    /// Rebuilds the element with `attrs` (and `name`, when given).
    pub fn set_element(&mut self, id: NodeId, name: Option<&str>, attrs: Vec<(String, String)>) {
        let Some(mut node) = self.html.tree.get_mut(id) else {
            return;
        };
        let Node::Element(old) = node.value() else {
            return;
        };
        let qual = match name {
            Some(n) => html_name(n),
            None => old.name.clone(),
        };
        *node.value() = Node::Element(new_element(qual, attrs));
    }

    /// The element's attributes, as owned pairs, in scraper's (sorted) order.
    pub fn attrs(&self, id: NodeId) -> Vec<(String, String)> {
        self.element(id)
            .map(|e| {
                e.attrs()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn set_attr(&mut self, id: NodeId, name: &str, value: &str) {
        let mut attrs = self.attrs(id);
        match attrs.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value.to_string(),
            None => attrs.push((name.to_string(), value.to_string())),
        }
        self.set_element(id, None, attrs);
    }

    pub fn remove_attrs(&mut self, id: NodeId, drop: impl Fn(&str) -> bool) {
        let attrs = self.attrs(id);
        if attrs.iter().any(|(k, _)| drop(k)) {
            let kept = attrs.into_iter().filter(|(k, _)| !drop(k)).collect();
            self.set_element(id, None, kept);
        }
    }

    /// A new detached element; place it with `insert_before` or `append`.
    pub fn create(&mut self, name: &str, attrs: Vec<(String, String)>) -> NodeId {
        self.html
            .tree
            .orphan(Node::Element(new_element(html_name(name), attrs)))
            .id()
    }

    pub fn create_text(&mut self, text: &str) -> NodeId {
        self.html
            .tree
            .orphan(Node::Text(Text { text: text.into() }))
            .id()
    }

    pub fn set_text(&mut self, id: NodeId, text: &str) {
        if let Some(mut n) = self.html.tree.get_mut(id) {
            if let Node::Text(t) = n.value() {
                t.text = text.into();
            }
        }
    }

    pub fn insert_before(&mut self, anchor: NodeId, new: NodeId) {
        if let Some(mut n) = self.html.tree.get_mut(anchor) {
            n.insert_id_before(new);
        }
    }

    pub fn append(&mut self, parent: NodeId, child: NodeId) {
        if let Some(mut n) = self.html.tree.get_mut(parent) {
            n.append_id(child);
        }
    }

    /// Parses `html` (trusted, e.g. highlighter output) and appends its nodes to `parent`.
    pub fn append_fragment(&mut self, parent: NodeId, html: &str) {
        let fragment = Html::parse_fragment(html);
        let mut stack: Vec<(ego_tree::NodeRef<'_, Node>, NodeId)> = fragment
            .root_element()
            .children()
            .map(|c| (c, parent))
            .collect();
        stack.reverse();
        while let Some((node, into)) = stack.pop() {
            let copy = self.html.tree.orphan(node.value().clone()).id();
            self.append(into, copy);
            let children: Vec<_> = node.children().collect();
            stack.extend(children.into_iter().rev().map(|c| (c, copy)));
        }
    }

    /// Removes every child of `id`.
    pub fn clear(&mut self, id: NodeId) {
        for child in self.children(id) {
            self.detach(child);
        }
    }

    /// The body as HTML.
    pub fn serialize(&self) -> String {
        self.html.root_element().inner_html()
    }
}

fn html_name(name: &str) -> QualName {
    QualName::new(None, ns!(html), LocalName::from(name))
}

fn new_element(name: QualName, attrs: Vec<(String, String)>) -> Element {
    let attrs = attrs
        .into_iter()
        .map(|(k, v)| Attribute {
            name: QualName::new(None, ns!(), LocalName::from(k)),
            value: v.into(),
        })
        .collect();
    Element::new(name, attrs)
}

/// Elements that start a new block: a run of inline content ends at one of these.
pub fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "details"
            | "div"
            | "dl"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "iframe"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "ul"
            | "video"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_serialize_as_expected() {
        type Edit = fn(&mut Doc);
        let cases: &[(&str, Edit, &str)] = &[
            (
                "<div class=a><p>x</p></div>",
                |d| {
                    let div = d.elements_named("div")[0];
                    d.unwrap(div);
                },
                "<p>x</p>",
            ),
            (
                "<img class=lazy src=a>",
                |d| {
                    let img = d.elements_named("img")[0];
                    d.set_attr(img, "src", "b");
                    d.remove_attrs(img, |k| k == "class");
                },
                "<img src=\"b\">",
            ),
            (
                "<p>a</p>",
                |d| {
                    let p = d.elements_named("p")[0];
                    let fig = d.create("figure", vec![]);
                    d.insert_before(p, fig);
                    d.append(fig, p);
                },
                "<figure><p>a</p></figure>",
            ),
        ];
        for (input, edit, expected) in cases {
            let mut doc = Doc::parse(input);
            edit(&mut doc);
            assert_eq!(doc.serialize(), *expected, "{input}");
        }
    }

    #[test]
    fn class_cache_follows_rebuilt_elements() {
        let mut doc = Doc::parse("<img class=lazy>");
        let img = doc.elements_named("img")[0];
        assert!(doc.has_class(img, "lazy"));
        doc.set_attr(img, "class", "shown");
        assert!(!doc.has_class(img, "lazy"));
        assert!(doc.has_class(img, "shown"));
    }
}
