/** The file's objects as a tree, with neurodata types; image objects can be opened from it. */
import type { ObjectNode } from '../provider/index.js';

export interface ObjectTreeProps {
  readonly tree: ObjectNode;
  /** Paths of the objects the viewer can show. */
  readonly viewable: ReadonlySet<string>;
  readonly selected: string | undefined;
  readonly onSelect: (path: string) => void;
}

export function ObjectTree(props: ObjectTreeProps) {
  return (
    <ul className="tree" data-testid="tree">
      {props.tree.children.map((child) => (
        <TreeItem
          key={child.path}
          node={child}
          depth={0}
          viewable={props.viewable}
          selected={props.selected}
          onSelect={props.onSelect}
        />
      ))}
    </ul>
  );
}

interface TreeItemProps extends Omit<ObjectTreeProps, 'tree'> {
  readonly node: ObjectNode;
  readonly depth: number;
}

function TreeItem({ node, depth, viewable, selected, onSelect }: TreeItemProps) {
  const canView = viewable.has(node.path);
  const label = (
    <span className={`tree-label${node.path === selected ? ' selected' : ''}`}>
      {canView ? (
        <button type="button" className="link" onClick={() => onSelect(node.path)} data-path={node.path}>
          {node.name}
        </button>
      ) : (
        <span className="name">{node.name}</span>
      )}
      {node.neurodataType !== undefined && <span className="type">{node.neurodataType}</span>}
      {node.detail !== undefined && <span className="detail">{node.detail}</span>}
    </span>
  );
  if (node.children.length === 0) return <li className={node.kind}>{label}</li>;
  // Top-level groups start open (but the cached specification); deeper ones when they hold the selection.
  const open = depth === 0 ? node.name !== 'specifications' : selected?.startsWith(`${node.path}/`) === true;
  return (
    <li className={node.kind}>
      <details open={open}>
        <summary>{label}</summary>
        <ul>
          {node.children.map((child) => (
            <TreeItem
              key={child.path}
              node={child}
              depth={depth + 1}
              viewable={viewable}
              selected={selected}
              onSelect={onSelect}
            />
          ))}
        </ul>
      </details>
    </li>
  );
}
