/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The custom server in server/ hosts Next; Next must not pull server-only packages into the client bundle.
  serverExternalPackages: ['@kubernetes/client-node', 'socket.io', 'pino', 'prom-client'],
  // `npm run typecheck` checks the whole project (server and tests included) as its own step; the
  // build need not repeat it, and `npm start` must not fail on a test file's type error.
  typescript: { ignoreBuildErrors: true },
};
export default nextConfig;
