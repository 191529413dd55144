/** Session, subject and devices, once the provider has read them. */
import { useEffect, useState } from 'react';
import type { FileDetails, NWBView } from '../provider/index.js';

export function MetadataPanel({ view }: { readonly view: NWBView }) {
  const [details, setDetails] = useState<FileDetails | undefined>();
  useEffect(() => {
    let current = true;
    setDetails(undefined);
    void view.details().then((d) => current && setDetails(d));
    return () => {
      current = false;
    };
  }, [view]);
  if (details === undefined) return <p className="muted">Reading the metadata…</p>;
  return (
    <div className="metadata" data-testid="metadata">
      {details.metadata.map((section) => (
        <section key={section.title}>
          <h3>{section.title}</h3>
          <dl>
            {section.rows.map(([label, value]) => (
              <div key={label} className="row">
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      {details.warnings.length > 0 && (
        <section className="warnings">
          <h3>What the file gets wrong</h3>
          <ul>
            {details.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
