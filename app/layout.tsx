import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Cutover',
  description: 'What a Kubernetes rollout really did to your traffic',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <nav className="site-nav">
          <a href="/" className="brand">
            Cutover
          </a>
          <a href="/">Live</a>
          <a href="/recordings">Recordings</a>
          <a href="/lab">Lab</a>
          <span className="tagline">what your rollout really did to traffic</span>
        </nav>
        {children}
      </body>
    </html>
  );
}
