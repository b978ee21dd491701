//! Known answers: the RFC 6962 reference tree (the leaves and roots that the
//! transparency-dev/merkle test vectors use), proofs from those vectors and
//! their tampered variants, and the Ed25519 signed-note example of the Go
//! reference implementation (golang.org/x/mod/sumdb/note).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ledger::*;

fn hex(s: &str) -> Hash {
    let bytes: Vec<u8> = (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect();
    bytes.try_into().unwrap()
}

fn b64(s: &str) -> Hash {
    B64.decode(s).unwrap().try_into().unwrap()
}

/// The eight leaves of the reference tree.
fn leaves() -> Vec<Hash> {
    ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
        .iter()
        .map(|h| {
            let bytes: Vec<u8> =
                (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect();
            leaf_hash(&bytes)
        })
        .collect()
}

#[test]
fn roots_of_the_reference_tree_for_sizes_0_to_8() {
    let expected = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    let leaves = leaves();
    for (size, root_hex) in expected.iter().enumerate() {
        assert_eq!(root(&leaves[..size]), hex(root_hex), "size {size}");
    }
}

#[test]
fn inclusion_vector_and_its_tampered_variants() {
    // testdata/inclusion/1/happy-path.json
    let root_hash = b64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=");
    let leaf = b64("bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=");
    let proof = vec![
        b64("lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c="),
        b64("Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4="),
        b64("a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="),
    ];
    assert_eq!(verify_inclusion(&leaf, 0, 8, &proof, &root_hash), Ok(()));
    assert_eq!(inclusion_proof(&leaves(), 0), proof, "we generate the same proof");
    // Every tampering of the vector is caught.
    for i in 0..proof.len() {
        let mut bad = proof.clone();
        bad[i][3] ^= 0x08;
        assert_eq!(verify_inclusion(&leaf, 0, 8, &bad, &root_hash), Err(ProofError::RootMismatch), "proof[{i}]");
    }
    assert!(verify_inclusion(&leaf, 1, 8, &proof, &root_hash).is_err(), "leaf index + 1");
    assert!(verify_inclusion(&leaf, 0, 16, &proof, &root_hash).is_err(), "tree size * 2");
    assert!(verify_inclusion(&leaf, 0, 4, &proof, &root_hash).is_err(), "tree size / 2");
    assert!(verify_inclusion(&leaf, 0, 8, &proof[..2], &root_hash).is_err(), "removed component");
    let mut longer = proof.clone();
    longer.push(root_hash);
    assert!(verify_inclusion(&leaf, 0, 8, &longer, &root_hash).is_err(), "trailing garbage");
    assert!(verify_inclusion(&leaf, 0, 8, &proof, &leaf).is_err(), "wrong root");
    assert!(verify_inclusion(&leaves()[1], 0, 8, &proof, &root_hash).is_err(), "wrong leaf");
    assert!(matches!(verify_inclusion(&leaf, 8, 8, &proof, &root_hash), Err(ProofError::IndexOutOfRange { .. })));
}

#[test]
fn consistency_vector_and_its_tampered_variants() {
    // testdata/consistency/4/happy-path.json
    let root1 = b64("duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=");
    let root2 = b64("3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw=");
    let proof = vec![
        b64("DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o="),
        b64("sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8="),
        b64("037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="),
    ];
    assert_eq!(verify_consistency(6, 7, &proof, &root1, &root2), Ok(()));
    assert_eq!(consistency_proof(&leaves()[..7], 6), proof, "we generate the same proof");
    for i in 0..proof.len() {
        let mut bad = proof.clone();
        bad[i][4] ^= 0x10;
        assert!(verify_consistency(6, 7, &bad, &root1, &root2).is_err(), "proof[{i}]");
    }
    assert!(verify_consistency(6, 7, &proof, &root2, &root1).is_err(), "swapped roots");
    assert!(verify_consistency(7, 6, &proof, &root1, &root2).is_err(), "swapped sizes");
    assert!(verify_consistency(6, 7, &proof[..2], &root1, &root2).is_err(), "truncated proof");
    assert!(verify_consistency(6, 7, &[], &root1, &root2).is_err(), "empty proof");
    assert!(verify_consistency(5, 7, &proof, &root1, &root2).is_err(), "size1 - 1");
    assert!(verify_consistency(7, 7, &proof, &root1, &root2).is_err(), "size1 + 1");
    assert!(verify_consistency(6, 14, &proof, &root1, &root2).is_err(), "size2 * 2");
    assert!(verify_consistency(6, 3, &proof, &root1, &root2).is_err(), "size2 / 2");
    assert_eq!(verify_consistency(7, 7, &[], &root2, &root2), Ok(()));
    assert!(verify_consistency(7, 7, &[], &root1, &root2).is_err());
    assert_eq!(verify_consistency(0, 7, &[], &root1, &root2), Ok(()));
}

#[test]
fn every_generated_proof_verifies_up_to_size_40() {
    let all: Vec<Hash> = (0u32..40).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    for n in 1..=all.len() {
        let tree = &all[..n];
        let r = root(tree);
        for i in 0..n {
            assert_eq!(
                verify_inclusion(&tree[i], i as u64, n as u64, &inclusion_proof(tree, i), &r),
                Ok(()),
                "{i} in {n}"
            );
        }
        for m in 1..n {
            let proof = consistency_proof(tree, m);
            assert_eq!(verify_consistency(m as u64, n as u64, &proof, &root(&tree[..m]), &r), Ok(()), "{m} -> {n}");
            // A tree that differs in one old leaf is not consistent.
            let mut forged = tree.to_vec();
            forged[m - 1][0] ^= 1;
            assert!(verify_consistency(m as u64, n as u64, &proof, &root(&forged[..m]), &r).is_err());
        }
    }
}

const SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const TEXT: &str =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNED: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

#[test]
fn signed_note_reference_example() {
    let signer = Signer::parse(SKEY).unwrap();
    assert_eq!(signer.encode(), SKEY);
    assert_eq!(signer.verifier().encode(), VKEY);
    assert_eq!(sign(TEXT, &signer).unwrap(), SIGNED);
    let verifier = Verifier::parse(VKEY).unwrap();
    assert_eq!(open(SIGNED, std::slice::from_ref(&verifier)), Ok(TEXT));

    // Any change to the text, or to the signature, fails and says whose signature.
    let altered = SIGNED.replacen("problem,", "problem;", 1);
    assert_eq!(open(&altered, std::slice::from_ref(&verifier)), Err(NoteError::BadSignature("PeterNeumann".into())));
    let altered = SIGNED.replacen("x08go", "x08gp", 1);
    assert!(open(&altered, std::slice::from_ref(&verifier)).is_err());
    // A note signed only by unknown keys is not trusted.
    let other = Signer::generate("example.com/other").unwrap();
    assert_eq!(open(SIGNED, &[other.verifier()]), Err(NoteError::Unverified));
    assert!(
        Verifier::parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").is_err(),
        "wrong key id"
    );
}

#[test]
fn checkpoints_round_trip_and_sign() {
    let leaves = leaves();
    let checkpoint = Checkpoint { origin: "qingfeng.example/ledger/v1".into(), size: 8, root: root(&leaves) };
    let text = checkpoint.text();
    assert_eq!(text, "qingfeng.example/ledger/v1\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n");
    assert_eq!(Checkpoint::parse(&text), Ok(checkpoint.clone()));
    let signer = Signer::generate("qingfeng.example/ledger").unwrap();
    let note = sign(&text, &signer).unwrap();
    let opened = open(&note, &[signer.verifier()]).unwrap();
    assert_eq!(Checkpoint::parse(opened).unwrap(), checkpoint);
    for bad in [
        "",
        "origin\n",
        "origin\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n8\nnot-base64\n",
        "origin\n8\nAAAA\n",
    ] {
        assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
    }
}
