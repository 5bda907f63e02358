import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import './globals.css';

const description = 'What a Kubernetes rollout really did to your traffic';

/**
 * The icon and the social image live in public/ (the image's source: scripts/social-image.html). Link
 * previews need the image's absolute URL, and Cutover is served from wherever it runs: the request's
 * own host says where (build-time metadata would name localhost:3000).
 */
export async function generateMetadata(): Promise<Metadata> {
  const request = await headers();
  const base = `${request.get('x-forwarded-proto') === 'https' ? 'https' : 'http'}://${request.get('host') ?? ''}`;
  return {
    ...(URL.canParse(base) ? { metadataBase: new URL(base) } : {}),
    title: 'Cutover',
    description,
    icons: { icon: { url: '/icon.svg', type: 'image/svg+xml' } },
    openGraph: { title: 'Cutover', description, images: [{ url: '/social.png', width: 1200, height: 630, alt: 'Cutover: overlap, lag per node, dropped requests' }] },
    twitter: { card: 'summary_large_image', title: 'Cutover', description, images: ['/social.png'] },
  };
}

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
