/** The names one platform id gives the generated code. */
export interface Names {
  /** `acme-iot`: the platform id, folder names, the `TODO(acme-iot)` markers. */
  id: string;
  /** `AcmeIot`: `AcmeIotClient`, `AcmeIotAdapter`, `AcmeIotSimulator`. */
  pascal: string;
  /** `ACME_IOT` */
  constant: string;
  /** `acmeIot` */
  camel: string;
  /** `TODO(acme-iot)`: every place a human fills in carries it; the conformance kit's failures name it. */
  todo: string;
}

export function namesOf(id: string): Names {
  const parts = id.split('-');
  const pascal = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  return {
    id,
    pascal,
    constant: parts.join('_').toUpperCase(),
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    todo: `TODO(${id})`,
  };
}
