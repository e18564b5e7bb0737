import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  // Keep the SDK out of dependency pre-bundling so its
  // new URL('./qiscus-sdk-core.wasm', import.meta.url) finds the wasm in dev.
  optimizeDeps: { exclude: ['qiscus-sdk-core-wasm'] },
  // example/shared holds the styles and settings both example apps use.
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
});
