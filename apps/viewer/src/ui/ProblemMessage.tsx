/** A problem on the page: what went wrong, what it means, and the library's words for a bug report. */
import type { ViewerProblem } from '../provider/index.js';

export function ProblemMessage({ problem }: { readonly problem: ViewerProblem }) {
  return (
    <div className="problem" role="alert" data-testid="problem">
      <strong>{problem.title}</strong>
      <p>{problem.detail}</p>
      {problem.technical !== undefined && problem.technical !== '' && (
        <details>
          <summary>details</summary>
          <code>{problem.technical}</code>
        </details>
      )}
    </div>
  );
}
