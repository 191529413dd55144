/** The selected image object: what it is, and its frames or external files. */
import type { ImageObject, NWBView } from '../provider/index.js';
import { ExternalFiles } from './ExternalFiles.js';
import { FrameViewer } from './FrameViewer.js';

export interface ImagePanelProps {
  readonly view: NWBView;
  readonly object: ImageObject;
  readonly initialFrame: number;
  readonly onFrameShown: (index: number) => void;
}

export function ImagePanel({ view, object, initialFrame, onFrameShown }: ImagePanelProps) {
  return (
    <section className="image-panel" data-testid="image-panel" data-path={object.path}>
      <h2>
        {object.name} <span className="type">{object.neurodataType}</span>
      </h2>
      <p className="path">{object.path}</p>
      {object.description !== undefined && <p>{object.description}</p>}
      {object.facts.length > 0 && (
        <dl className="facts">
          {object.facts.map(([label, value]) => (
            <div key={label} className="row">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {object.frames !== undefined && object.frames.count > 0 ? (
        <FrameViewer
          key={object.path}
          view={view}
          source={object.frames}
          initialFrame={initialFrame}
          onFrameShown={onFrameShown}
        />
      ) : object.externalFiles !== undefined ? (
        <ExternalFiles view={view} list={object.externalFiles} />
      ) : (
        <p className="muted">Nothing to show: this object holds no frames the viewer can draw.</p>
      )}
    </section>
  );
}
