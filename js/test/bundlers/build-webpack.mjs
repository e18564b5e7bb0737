// webpack 5 through its Node API (no webpack-cli): node build-webpack.mjs
import webpack from 'webpack';
import config from './webpack.config.mjs';

webpack(config, (err, stats) => {
  if (err) throw err;
  console.log(stats.toString({ colors: false, modules: false }));
  if (stats.hasErrors()) process.exitCode = 1;
});
