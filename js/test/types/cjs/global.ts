// A plain <script> page (this file is a script, not a module): the UMD build
// defines the global QiscusSDKCore (`export as namespace` in dist/index.d.ts).
/// <reference path="../../../dist/index.d.ts" />
function viaGlobal(): QiscusSDKCore.Room | null {
  const q = new QiscusSDKCore();
  return q.selected;
}
viaGlobal();
