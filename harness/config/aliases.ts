// YAML aliases repeat what their anchor holds, so nine short lines of nested aliases (a "billion
// laughs") stand for a billion values, which validation would walk one by one. The file is refused
// at the alias where its aliases come to stand for more values than any config needs.
import { isAlias, isCollection, isPair, visit, type Alias, type Document, type Node } from 'yaml';

/** Values a file's aliases may stand for in all: far more than a config repeats, far fewer than a bomb. */
export const MAX_ALIASED_VALUES = 10_000;

/** The alias past which the document's aliases stand for more than MAX_ALIASED_VALUES values, if any. */
export function excessiveAlias(doc: Document.Parsed): Alias | undefined {
  const anchors = new Map<string, Node>();
  // Each alias's anchor as it was where the alias stands (a later anchor may reuse the name).
  const targets = new Map<Alias, Node | undefined>();
  const sizes = new Map<Node, number>();
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      return target ? size(target) : 1;
    }
    if (!isCollection(node)) return 1;
    let known = sizes.get(node);
    if (known === undefined) {
      sizes.set(node, 1); // an alias inside the value it names counts once
      known = node.items.reduce((sum: number, item) => sum + (isPair(item) ? size(item.key) + size(item.value) : size(item)), 1);
      sizes.set(node, known);
    }
    return known;
  };
  let total = 0;
  let excessive: Alias | undefined;
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        targets.set(node, anchors.get(node.source));
        total += size(node);
        if (total > MAX_ALIASED_VALUES) {
          excessive = node;
          return visit.BREAK;
        }
      } else if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
  return excessive;
}
