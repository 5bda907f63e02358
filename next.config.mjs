/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The custom server in server/ hosts Next; Next must not pull server-only packages into the client bundle.
  serverExternalPackages: ['@kubernetes/client-node', 'socket.io', 'pino', 'prom-client'],
};
export default nextConfig;
