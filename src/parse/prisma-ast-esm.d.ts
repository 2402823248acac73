/** Types for the ESM build of @mrleebo/prisma-ast (the package declares them only for its main entry). */
declare module '@mrleebo/prisma-ast/dist/prisma-ast.esm.js' {
  export * from '@mrleebo/prisma-ast';
}
