/** Whatever a component throws while rendering becomes a message, never a blank page. */
import { Component } from 'react';
import type { ReactNode } from 'react';
import { ProblemMessage } from './ProblemMessage.js';

interface State {
  readonly error: Error | undefined;
}

export class ErrorBoundary extends Component<{ readonly children: ReactNode }, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    return (
      <ProblemMessage
        problem={{
          title: 'The viewer failed to show this',
          detail: 'This is a bug in the viewer. Reload the page to start again.',
          technical: error.message,
        }}
      />
    );
  }
}
