#!/usr/bin/env python3
"""A throwaway-grade re-implementation of the `--checked` estimator, used to compare design
choices quickly (docs/estimate.md, "Choices and what was tried"). Not the product: the numbers
in docs/simulation.md come from the real binary (bench/simulate.py). The draw uses Python's
random, not hrcs's splitmix64, so individual samples differ from `hrcs sample`'s.

    hrcs code ../shared/data/nihr-hta-dev.csv --keep -o /tmp/coded.csv
    python3 bench/estimator_variants.py /tmp/coded.csv '{"t":1,"final":1,"composite":2}' 1000

Options (JSON): t = Student t quantile on n - H degrees of freedom (else normal); final = the
shipped floor for codes with no observed error; floor = "gvf" | "jeff" with kmax/scale =
earlier floor variants; pc = a uniform pseudo-count floor; composite = 1 (weight d²/(d²+v)) or
2 (the shipped positive-part weight (d²-v)/d²). Truth: the coded file's input_hc column (NIHR
style, equal split)."""
import sys, os
CODED = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
import csv, random, math, sys
from statistics import NormalDist
codes = [l.split('\t') for l in open(os.path.join(HERE, '..', 'src', 'hrcs', 'codes.tsv'), encoding='utf-8') if l.startswith('hc\t')]
short = {c[2].lower(): int(c[1])-1 for c in codes}
full = {c[3].lower(): int(c[1])-1 for c in codes}
K = 21
rows = list(csv.DictReader(open(CODED, newline='', encoding='utf-8')))
def eq(n):
    b = 10000//n; p=[b]*n
    for i in range(10000-b*n): p[i]+=1
    return p
X=[];Y=[];conf=[];flag=[]
for r in rows:
    a = float(r['award_amount'] or 0)
    x=[0.0]*(K+1)
    if r['hc']:
        for part in r['hc'].split(';'):
            n,p = part.rsplit(':',1); x[short[n.lower()]] += a*float(p)/100
    else: x[K]=a
    y=[0.0]*(K+1)
    cats=[c.strip() for c in r['input_hc'].split(';') if c.strip()]
    if not cats: y[K]=a
    for c,p in zip(cats, eq(len(cats))): y[full[c.lower()]] += a*p/10000
    X.append(x);Y.append(y);conf.append(float(r['hc_confidence'] or 0));flag.append(r['review']=='true')
N=len(rows); T=sum(sum(x) for x in X)
truth=[100*sum(y[j] for y in Y)/T for j in range(K+1)]
coded=[100*sum(x[j] for x in X)/T for j in range(K+1)]
def band(i):
    if flag[i]: return 0
    c=conf[i]; return 3 if c>=0.9 else 2 if c>=0.75 else 1 if c>=0.5 else 0
def allocate(n, sizes, w):
    al=[min(2,s) for s in sizes]; left=n-sum(al)
    while left>0:
        room=[w[i] if al[i]<sizes[i] else 0 for i in range(len(sizes))]
        tot=sum(room)
        give=[int(left*r/tot) for r in room]
        rem=sorted(range(len(sizes)), key=lambda i:-(left*room[i]/tot-give[i]))
        for i in rem[:left-sum(give)]: give[i]+=1
        g=0
        for i in range(len(sizes)):
            e=min(give[i], sizes[i]-al[i]); al[i]+=e; g+=e
        left-=g
    return al
def strata_of(stratify):
    S={}
    for i in range(N): S.setdefault(stratify(i),[]).append(i)
    return [S[k] for k in sorted(S)]
def draw(strata, n, rng, weight):
    sizes=[len(s) for s in strata]
    w=[weight(s) for s in strata]
    al=allocate(n,sizes,w)
    return [(s, rng.sample(s, a)) for s,a in zip(strata,al)]
def neyman(s): 
    e=sum(1-conf[i] for i in s)/len(s); return len(s)*math.sqrt(min(max(e,0.05),1))
Z=1.959964
def tq(df, z=Z):
    if df<=0: return z
    v=df
    return z+(z**3+z)/(4*v)+(5*z**5+16*z**3+3*z)/(96*v**2)+(3*z**7+19*z**5+17*z**3-15*z)/(384*v**3)+(79*z**9+776*z**7+1482*z**5-1920*z**3-945*z)/(92160*v**4)
Xtot=[sum(x[j] for x in X) for j in range(K+1)]
def estimate(sample, opt):
    D=[0.0]*(K+1); V=[0.0]*(K+1); n=0
    for pop, draws in sample:
        Nh=len(pop); nh=len(draws); n+=nh
        f=nh/Nh
        d=[[Y[i][j]-X[i][j] for j in range(K+1)] for i in draws]
        s2=[]
        for j in range(K+1):
            m=sum(v[j] for v in d)/nh
            D[j]+=Nh*m
            s2.append(sum((v[j]-m)**2 for v in d)/(nh-1) if nh>1 else 0.0)
        if opt.get('pc') is not None:
            nz=[v[j]**2 for v in d for j in range(K+1) if abs(v[j])>1e-6]
            m2=sum(nz)/len(nz) if nz else opt['m2all']
            for j in range(K+1):
                s2[j]=max(s2[j], opt['pc']/(nh+1)*m2)
        if opt.get('final'):
            pooled=sum(s2)
            if pooled==0:
                m2=sum(sum(X[i])**2 for i in pop)/Nh
                pooled=2*m2*0.5/(nh+1)
            pooled/=2
            amt=[sum(X[i][j] for i in pop) for j in range(K+1)]
            abar=sum(amt)/Nh
            den=sum(amt)+(K+1)*abar/2
            for j in range(K+1):
                if all(abs(v[j])<1e-6 for v in d):
                    s2[j]=max(s2[j], (amt[j]+abar/2)/den*pooled)
        if opt.get('floor'):
            # GVF-style floor: pooled error variance of stratum apportioned by category size
            pooled=sum(s2)/2
            kcount=[sum(1 for v in d if abs(v[j])>1e-6) for j in range(K+1)]
            amt=[sum(X[i][j] for i in pop) for j in range(K+1)]
            tot=sum(amt)
            if opt['floor']=='jeff':
                # an unseen error: half a pseudo-error per stratum (Jeffreys)
                m2 = sum(sum(X[i])**2 for i in pop)/Nh
                pooled=max(pooled, 2*m2*0.5/(nh+1))
            pooled*=opt.get('scale',1)
            for j in range(K+1):
                w=amt[j]/tot if tot else 0
                if kcount[j] <= opt.get('kmax',99): s2[j]=max(s2[j], w*pooled)
        for j in range(K+1):
            V[j]+=Nh*Nh*(1-f)*s2[j]/nh
    H=len(sample)
    q = tq(n-H) if opt.get('t') else Z
    out=[]
    for j in range(K+1):
        se=math.sqrt(V[j])
        diff=Xtot[j]+D[j]
        if opt.get('composite'):
            lam = (D[j]**2/(D[j]**2+V[j]) if opt['composite']==1 else max(0,D[j]**2-V[j])/D[j]**2) if D[j]!=0 else 0
            pt=Xtot[j]+lam*D[j]
        else: pt=diff
        out.append((100*max(pt,0)/T, 100*(diff-q*se)/T, 100*(diff+q*se)/T))
    # reconcile
    s=sum(o[0] for o in out)
    return [(o[0]*100/s, max(o[1],0), min(o[2],100)) for o in out]
def sim(n, draws, opt, stratify=band, weight=neyman):
    # pooled m2 fallback: the mean squared difference an award switching all its money would make
    opt.setdefault('m2all', sum(sum(x)**2 for x in X)/N/2)
    strata=strata_of(stratify)
    acc={j:[0,0,0,0,0] for j in range(K)}
    for seed in range(draws):
        rng=random.Random(seed)
        smp=draw(strata,n,rng,weight)
        est=estimate(smp,opt)
        for j in range(K):
            p,lo,hi=est[j]; t=truth[j]
            a=acc[j]; a[0]+= lo-1e-9<=t<=hi+1e-9; a[1]+=abs(p-t); a[2]+=abs(coded[j]-t); a[3]+=hi-lo; a[4]+=1
    res=[]
    for large in (True,False):
        js=[j for j in range(K) if (truth[j]>=5)==large]
        k=sum(acc[j][4] for j in js)
        res.append((len(js), 100*sum(acc[j][0] for j in js)/k, sum(acc[j][2] for j in js)/k, sum(acc[j][1] for j in js)/k, sum(acc[j][3] for j in js)/k))
    return res
if __name__=='__main__':
    import json
    opts=json.loads(sys.argv[2]); draws=int(sys.argv[3])
    for n in (50,100,200):
        for r in sim(n,draws,opts): print(n, "%d cov %.1f mae_coded %.2f mae_corr %.2f width %.2f"%r)
def percat(n, draws, opt):
    opt.setdefault('m2all', sum(sum(x)**2 for x in X)/N/2)
    strata=strata_of(band)
    acc={j:[0,0,0,0,0] for j in range(K)}
    for seed in range(draws):
        smp=draw(strata,n,random.Random(seed),neyman)
        est=estimate(smp,opt)
        for j in range(K):
            p,lo,hi=est[j]; t=truth[j]; a=acc[j]
            a[0]+= lo-1e-9<=t<=hi+1e-9; a[1]+=abs(p-t); a[2]+=hi-lo; a[3]+=p; a[4]+=1
    names=[c[2] for c in codes]
    for j in sorted(range(K), key=lambda j:-truth[j]):
        a=acc[j]; k=a[4]
        print("%-13s truth %5.2f coded %5.2f cov %5.1f mae %.2f width %.2f meanpt %.2f"%(names[j],truth[j],coded[j],100*a[0]/k,a[1]/k,a[2]/k,a[3]/k))
