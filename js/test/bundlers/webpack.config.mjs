// webpack 5 with its defaults: the package's new URL(..., import.meta.url)
// becomes a hashed asset module. The page is emitted by a few lines here
// rather than html-webpack-plugin, to keep the project small.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const here = path.dirname(fileURLToPath(import.meta.url));

class EmitPage {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('EmitPage', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'EmitPage', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        const js = [...compilation.entrypoints.get('main').getFiles()].filter((f) => f.endsWith('.js'));
        const html = '<!doctype html><html><head><meta charset="utf-8"><title>bundler smoke</title></head>' +
          '<body><pre id="out"></pre>' + js.map((f) => `<script src="./${f}"></script>`).join('') + '</body></html>\n';
        compilation.emitAsset('index.html', new webpack.sources.RawSource(html));
      });
    });
  }
}

export default {
  mode: 'production',
  context: here,
  entry: { main: './src/main.js' },
  output: { path: path.join(here, 'dist-webpack'), filename: '[name].[contenthash].js', clean: true },
  plugins: [new EmitPage()],
  // The wasm is 7 MB by design; webpack's size hint is not news here.
  performance: { hints: false },
};
