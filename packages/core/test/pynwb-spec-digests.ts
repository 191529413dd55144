/**
 * What PyNWB caches in fixtures/*.nwb under /specifications: for each dataset (namespace/version/name),
 * the SHA-256 and byte length of its UTF-8 text (every fixture holds the same bytes). Computed with
 * h5py's `visititems` over /specifications of fixtures/tutorial_images.nwb and hashlib. Core reads no
 * HDF5, so this is how its tests compare the cache it writes with PyNWB's, byte for byte.
 */

/** SHA-256 (hex) and byte length of one cached dataset's text, by `namespace/version/name`. */
export const PYNWB_SPEC_DIGESTS: Readonly<Record<string, readonly [sha256: string, bytes: number]>> = {
  'core/2.7.0/namespace': ['d7831e5f82c51f99f89cc9109bf85369c23773d1afb364a43c52daa60dedca16', 649],
  'core/2.7.0/nwb.base': ['898e0dcdf922e80053c7930717d420a00f0d4f4b13dbbd1440be24048de0bebc', 8793],
  'core/2.7.0/nwb.behavior': ['a7ebc6d2c7664965302e67163363d3b131860b1a31e2a835ebc239a8390ae4d8', 7014],
  'core/2.7.0/nwb.device': ['553d7dbcd9154919f61fd4facb993d09cc3add44f94f504b6fb8d29bd424c830', 475],
  'core/2.7.0/nwb.ecephys': ['796b1d558d31a6cb19150dc78095d42ec171b905671a9bff022e3221712f7084', 15582],
  'core/2.7.0/nwb.epoch': ['d1b140e08fc2823b5420adfe2e8a5c7d05f112d8770dd7e9a64163a0c1195846', 901],
  'core/2.7.0/nwb.file': ['13b5a1e4329baefef2bee97e3ee31050b5f46571c70a8db77971e4aa813a3aa8', 19651],
  'core/2.7.0/nwb.icephys': ['56ea475f149f085103c0964b5c0fb7b68145850c40f4fb248ce26bb335d4fbb0', 26472],
  'core/2.7.0/nwb.image': ['e8c8fc1227f99e85905d9d813c1984f1b3a8f0455fc77924778f54d0e1b2fa3c', 12095],
  'core/2.7.0/nwb.misc': ['56dbca2c14be69486def221d16d2e50618f126d877a7b9ad14cd043de77f178b', 18569],
  'core/2.7.0/nwb.ogen': ['7ad8e9852221b8e1b5c0a3b8289de7b6e1171f13291e41dec6028b22e35c4815', 3514],
  'core/2.7.0/nwb.ophys': ['285b56be5e273a2a8c2c033065bad8663cfad0e516545c1503b79321eb746266', 14406],
  'core/2.7.0/nwb.retinotopy': ['4559abe7d4dfc44968d543cfe3238b8082dd8724e6ae1ae4a3069bd4fb0c0f2a', 5764],
  'hdmf-common/1.8.0/base': ['c1a39db424e163566ccf14735ae45cbf8fa974c2b57b44815bee2b7f04336cbd', 625],
  'hdmf-common/1.8.0/namespace': ['f553af67b31698af1735f701f80783f24dd5963e823eab1414c7795220aae4e7', 346],
  'hdmf-common/1.8.0/sparse': ['45d13432fb44aa4e12e77aca0446beb13bb08ef9440d07c5f201c257740f1321', 846],
  'hdmf-common/1.8.0/table': ['443f0a6471fb5ceec17126c7318b6fb82b87cdc67f5c9d3a681c0a589a838f1d', 6301],
  'hdmf-experimental/0.5.0/experimental': [
    '7e7f419f02f63c6f91c16dae18c71ce8b02294895ab7b352588f828bba4a3b8c',
    417,
  ],
  'hdmf-experimental/0.5.0/namespace': [
    'c02f839f07b3cfcdc8a3b9fdd2b00a8aab3b784d8a5458bb02c03dea261b9dde',
    478,
  ],
  'hdmf-experimental/0.5.0/resources': [
    '7cb369652a22e74811a0ff5976f195da8b32f1a5b3069ca2fb11251af93bdc20',
    3070,
  ],
};
